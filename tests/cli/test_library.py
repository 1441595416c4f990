"""libsignals as a library: `make install` lays out the CLI, both libraries,
the public headers, libsignals.pc and the man pages; a C program that uses
only <signals/signals.h> builds with pkg-config and links statically and
dynamically; the shared library exports exactly the SIG_API declarations."""
import glob
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
CC = os.environ.get("CC", "cc")

PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include <signals/signals.h>

static size_t check(const char *text, const char **first_code)
{
    sig_ctx *ctx = sig_ctx_new();
    sig_ctx_add_buffer(ctx, "spec.signals", text, strlen(text));
    sig_ctx_check(ctx);
    size_t n = sig_error_count(ctx);
    const sig_diag *d = sig_diags_first(ctx);
    *first_code = d ? d->code : "";
    sig_ctx_free(ctx);
    return n;
}

int main(void)
{
    const char *good =
        "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
        "attribute page_views = counter() from page_view\n";
    const char *bad =
        "event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0\n"
        "attribute page_views = counter() from page_veiw\n";
    const char *code;
    size_t g = check(good, &code);
    size_t b = check(bad, &code);
    printf("libsignals %s: good %zu errors, bad %zu errors (%s)\n", SIGNALS_VERSION, g, b, code);
    return g == 0 && b == 1 && strcmp(code, "E0301") == 0 ? 0 : 1;
}
"""


def sh(*args, env=None, cwd=None):
    r = subprocess.run(list(args), capture_output=True, text=True, env=env, cwd=cwd or ROOT,
                       timeout=600)
    assert r.returncode == 0, f"{args}: {r.stdout}\n{r.stderr}"
    return r.stdout


def make(*args):
    return sh("make", "--no-print-directory", "-C", ROOT, *args)


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    dest = str(tmp_path_factory.mktemp("destdir"))
    make("install", f"DESTDIR={dest}", "PREFIX=/usr")
    return dest


def installed_files(dest):
    out = set()
    for dirpath, _, files in os.walk(dest):
        for f in files:
            out.add(os.path.relpath(os.path.join(dirpath, f), dest))
    return out


def test_install_tree(staged):
    files = installed_files(staged)
    version = re.search(r'#define SIGNALS_VERSION "(.*)"',
                        open(os.path.join(ROOT, "include/signals/signals.h")).read()).group(1)
    headers = {"usr/include/signals/" + os.path.basename(h)
               for h in glob.glob(os.path.join(ROOT, "include/signals/*.h"))
               + glob.glob(os.path.join(ROOT, "include/signals/*.def"))}
    expected = {
        "usr/bin/signalsc",
        "usr/lib/libsignals.a",
        f"usr/lib/libsignals.so.{version}",
        "usr/lib/libsignals.so.0",
        "usr/lib/libsignals.so",
        "usr/lib/pkgconfig/libsignals.pc",
        "usr/share/man/man1/signalsc.1",
        "usr/share/man/man5/signals.5",
    } | headers
    assert files == expected
    assert os.readlink(os.path.join(staged, "usr/lib/libsignals.so")) == "libsignals.so.0"
    assert os.access(os.path.join(staged, "usr/bin/signalsc"), os.X_OK)
    pc = open(os.path.join(staged, "usr/lib/pkgconfig/libsignals.pc")).read()
    assert "prefix=/usr\n" in pc and f"Version: {version}\n" in pc
    # The installed CLI needs no libsignals.so at run time.
    needed = sh("readelf", "-d", os.path.join(staged, "usr/bin/signalsc"))
    assert "libsignals" not in needed
    assert sh(os.path.join(staged, "usr/bin/signalsc"), "--version").startswith("signalsc ")


def test_man_pages_render(staged):
    if not shutil.which("man"):
        pytest.skip("man is not installed")
    env = dict(os.environ, MANPATH=os.path.join(staged, "usr/share/man"), MANPAGER="cat",
               PAGER="cat", MANWIDTH="80")
    assert "signalsc" in sh("man", "signalsc", env=env)
    assert "signals" in sh("man", "5", "signals", env=env)


def pkg_config(staged, *args):
    # PKG_CONFIG_SYSROOT_DIR maps the .pc file's /usr paths into the staged
    # tree (pkg-config(1)).
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(staged, "usr/lib/pkgconfig"),
               PKG_CONFIG_SYSROOT_DIR=staged)
    return sh("pkg-config", *args, "libsignals", env=env).split()


def test_pkg_config(staged):
    if not shutil.which("pkg-config"):
        pytest.skip("pkg-config is not installed (scripts/install-deps.sh installs it)")
    cflags = pkg_config(staged, "--cflags")
    libs = pkg_config(staged, "--libs")
    assert "-I" + os.path.join(staged, "usr/include") in cflags
    assert "-L" + os.path.join(staged, "usr/lib") in libs and "-lsignals" in libs


@pytest.mark.parametrize("linkage", ["static", "shared"])
def test_program_links_against_installed_library(staged, tmp_path, linkage):
    if not shutil.which("pkg-config"):
        pytest.skip("pkg-config is not installed (scripts/install-deps.sh installs it)")
    src = tmp_path / "prog.c"
    src.write_text(PROGRAM)
    exe = str(tmp_path / "prog")
    cflags = pkg_config(staged, "--cflags")
    if linkage == "static":
        # -l:libsignals.a picks the archive by file name (ld manual, -l).
        libs = [x if x != "-lsignals" else "-l:libsignals.a"
                for x in pkg_config(staged, "--static", "--libs")]
    else:
        libs = pkg_config(staged, "--libs")
    sh(CC, "-std=c11", "-Wall", "-Wextra", "-Werror", *cflags, "-o", exe, str(src), *libs)
    needed = sh("readelf", "-d", exe)
    assert ("libsignals.so.0" in needed) == (linkage == "shared")
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(staged, "usr/lib"))
    out = sh(exe, env=env)
    assert "good 0 errors, bad 1 errors (E0301)" in out


def test_uninstall(tmp_path):
    dest = str(tmp_path)
    make("install", f"DESTDIR={dest}", "PREFIX=/usr")
    make("uninstall", f"DESTDIR={dest}", "PREFIX=/usr")
    assert installed_files(dest) == set()


def declared_api():
    """Every symbol the public headers mark SIG_API (the asm label when the
    declaration has one)."""
    names = set()
    for h in glob.glob(os.path.join(ROOT, "include/signals/*.h")):
        text = re.sub(r"/\*.*?\*/", "", open(h).read(), flags=re.S)
        for m in re.finditer(r"^SIG_API\b([^;]*);", text, flags=re.M):
            decl = m.group(1)
            label = re.search(r'SIG_SYMBOL\("(\w+)"\)', decl)
            if label:
                names.add(label.group(1))
                continue
            fn = re.search(r"\b(\w+)\s*\(", decl)
            arr = re.search(r"\b(\w+)\s*\[", decl)
            if fn and not decl.lstrip().startswith("extern"):
                names.add(fn.group(1))
            elif arr:
                names.add(arr.group(1))
            else:
                names.add(re.findall(r"\w+", decl)[-1])
    return names


def test_shared_library_exports_only_the_public_api():
    lib = os.path.join(BUILD, "libsignals.so")
    if not os.path.exists(lib):
        make("build")
    out = sh("nm", "-D", "--defined-only", lib)
    exported = {line.split()[-1] for line in out.splitlines() if line.strip()}
    assert exported, "nothing exported"
    assert all(n.startswith("sig_") for n in exported), sorted(n for n in exported
                                                              if not n.startswith("sig_"))
    assert not [n for n in exported if "yy" in n], "flex/bison symbols leak"
    assert exported == declared_api()


def test_cli_calls_only_the_exported_api():
    """The CLI links libsignals.a, where hidden symbols still resolve: check
    that every library symbol src/main.c uses is one the .so exports."""
    lib = os.path.join(BUILD, "libsignals.so")
    main_o = os.path.join(BUILD, "obj", "src", "main.o")
    if not (os.path.exists(lib) and os.path.exists(main_o)):
        make("build")
    exported = {line.split()[-1] for line in sh("nm", "-D", "--defined-only", lib).splitlines()
                if line.strip()}
    defined_in_lib = {line.split()[-1]
                      for line in sh("nm", "--defined-only", os.path.join(BUILD, "libsignals.a"))
                      .splitlines() if len(line.split()) == 3}
    used = {line.split()[-1] for line in sh("nm", "-u", main_o).splitlines() if line.strip()}
    private = sorted((used & defined_in_lib) - exported)
    assert not private, f"src/main.c uses library internals: {private}"
    assert used & exported, "src/main.c uses no library symbol at all?"
