"""signalsc watch: a check now, and again after every save (inotify), for
people without an editor integration."""
import os
import re
import selectors
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))

BAD = "event x = nope\n"
LIB = "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"


class Rounds:
    """Reads the watcher's stderr unbuffered (a buffered reader would hide
    lines from select) and splits it into check rounds."""

    def __init__(self, proc):
        self.proc, self.buf = proc, b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(proc.stderr, selectors.EVENT_READ)

    def next(self, deadline=20):
        end = time.monotonic() + deadline
        while not re.search(rb"for changes[^\n]*\n", self.buf):
            if time.monotonic() > end:
                raise AssertionError("no check round: %r" % self.buf)
            if self.sel.select(timeout=0.2):
                chunk = os.read(self.proc.stderr.fileno(), 65536)
                if not chunk:
                    raise AssertionError("watch ended: %r" % self.buf)
                self.buf += chunk
        i = re.search(rb"for changes[^\n]*\n", self.buf).end()
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode()


def test_watch_rechecks_after_a_save_and_sees_new_files(tmp_path):
    spec = tmp_path / "s.signals"
    spec.write_text(BAD)
    proc = subprocess.Popen([SIGNALSC, "watch", "--color", "never", str(tmp_path)],
                            stderr=subprocess.PIPE)
    rounds = Rounds(proc)
    try:
        first = rounds.next()
        assert "error[E0201]" in first and "signalsc: errors; watching 1 file" in first
        tmp = tmp_path / "s.signals.tmp"          # saved as editors do: write, then rename
        tmp.write_text(LIB)
        os.rename(tmp, spec)
        second = rounds.next()
        assert "error" not in second.replace("no errors", "")
        assert "signalsc: no errors; watching 1 file" in second
        (tmp_path / "t.signals").write_text(BAD)  # a new spec in the watched directory
        third = rounds.next()
        assert "t.signals:1:11: error[E0201]" in third and "watching 2 files" in third
        assert proc.poll() is None                # still watching
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_watch_refuses_standard_input():
    p = subprocess.run([SIGNALSC, "watch", "-"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "standard input" in p.stderr
