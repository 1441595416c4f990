"""The command table: a real --help per command, options checked per
command, getopt_long spellings, and a man page that lists every command and
option the usage text shows."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIGNALSC = os.environ.get("SIGNALSC", os.path.join(ROOT, "build", "signalsc"))
GOOD = """
event page_view = iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0
attribute page_views = counter() from page_view
view users v1 {
    entity domain_userid
    offline true
    attributes page_views
}
"""


def run(*args, stdin=None):
    return subprocess.run([SIGNALSC, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def usage_commands():
    out = run("--help").stdout
    return re.findall(r"^  ([a-z][a-z-]+)(?: |$)", out.split("\n'signalsc COMMAND")[0], re.M)


def usage_options():
    return sorted(set(re.findall(r"^  (?:-\w, )?\s*(--[a-z][a-z-]+)", run("--help").stdout, re.M)))


def test_every_command_has_its_own_help():
    commands = usage_commands()
    assert {"check", "compile", "explain", "publish", "test-connection"} <= set(commands)
    for cmd in commands:
        p = run(cmd, "--help")
        assert p.returncode == 0, cmd
        assert p.stdout.startswith("usage: signalsc %s " % cmd), (cmd, p.stdout[:80])
        assert run("help", cmd).stdout == p.stdout


def test_check_help_lists_checks_options_only():
    out = run("check", "--help").stdout
    assert "--format" in out and "--stdin-filename" in out
    assert "--api-key" not in out and "--yes" not in out
    publish = run("publish", "--help").stdout
    assert "--yes" in publish and "--api-key" in publish and "      --exit-code" not in publish


def test_an_option_of_another_command_is_a_usage_error(tmp_path):
    spec = tmp_path / "s.signals"
    spec.write_text(GOOD)
    p = run("check", "--yes", str(spec))
    assert p.returncode == 2
    assert "'--yes' is not one of check's" in p.stderr
    p = run("publish", "--exit-code", str(spec))
    assert p.returncode == 2 and "--exit-code" in p.stderr


def test_getopt_spellings(tmp_path):
    spec = tmp_path / "s.signals"
    spec.write_text(GOOD)
    out = tmp_path / "out.sql"
    # options after operands, --opt=value, -oVALUE, and "--" before a file named like an option
    assert run("compile", str(spec), "--backend=ddl", "-o%s" % out).returncode == 0
    assert out.read_text().startswith("--")
    dash = tmp_path / "-x.signals"
    dash.write_text(GOOD)
    assert run("check", "--", str(dash)).returncode == 0
    p = run("compile", "-o")
    assert p.returncode == 2 and "option '-o' needs a value" in p.stderr
    p = run("check", "--bogus", str(spec))
    assert p.returncode == 2 and "unknown option '--bogus'" in p.stderr


def test_version_and_help_commands():
    assert run("version").stdout == run("--version").stdout
    assert run("help").stdout == run("--help").stdout
    assert run().returncode == 2


def test_man_page_lists_every_command_and_option():
    man = open(os.path.join(ROOT, "man", "signalsc.1")).read().replace("\\-", "-")
    for cmd in usage_commands():
        assert re.search(r"\.B[RI]? \"?(signalsc )?%s\b" % re.escape(cmd), man), cmd
    for opt in usage_options():
        assert opt in man, opt


def test_explain_an_aggregation():
    p = run("explain", "mean")
    assert p.returncode == 0
    assert p.stdout.startswith("mean: an aggregation\n\nThe mean of")
    assert "Kept per entity and day: sum (" in p.stdout and "count (" in p.stdout
    assert "Finish: divide:" in p.stdout
    assert "(at most 100 values)" in run("explain", "unique_list").stdout
    p = run("explain", "meen")
    assert p.returncode == 2 and "did you mean 'mean'" in p.stderr
    names = [line.split()[0] for line in run("aggregations").stdout.splitlines()]
    assert names[:2] == ["counter", "sum"] and "unique_list" in names



def bash_complete(tmp_path, *words):
    script = tmp_path / "signalsc.bash"
    script.write_text(run("completions", "bash").stdout)
    line = 'source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _signalsc; printf "%%s\\n" "${COMPREPLY[@]}"' % (
        script, " ".join("'%s'" % w for w in words), len(words) - 1)
    p = subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=tmp_path, timeout=30)
    assert p.returncode == 0, p.stderr
    return sorted(x for x in p.stdout.split("\n") if x)


def test_bash_completion_follows_the_table(tmp_path):
    assert bash_complete(tmp_path, "signalsc", "ch") == ["check"]
    assert "completions" in bash_complete(tmp_path, "signalsc", "")
    assert bash_complete(tmp_path, "signalsc", "check", "--form") == ["--format"]
    assert bash_complete(tmp_path, "signalsc", "check", "--format", "") == ["github", "json", "sarif", "text"]
    assert bash_complete(tmp_path, "signalsc", "check", "--ye") == []          # publish's option
    assert bash_complete(tmp_path, "signalsc", "publish", "--ye") == ["--yes"]
    assert bash_complete(tmp_path, "signalsc", "compile", "-b", "") == ["api", "dbt", "ddl"]
    assert bash_complete(tmp_path, "signalsc", "explain", "uniq") == ["unique_list"]
    assert "W0101" in bash_complete(tmp_path, "signalsc", "explain", "W")
    (tmp_path / "a.signals").write_text("")
    (tmp_path / "notes.txt").write_text("")
    assert bash_complete(tmp_path, "signalsc", "check", "") == ["a.signals"]


def test_zsh_and_fish_scripts_cover_every_command_and_option():
    zsh = run("completions", "zsh").stdout
    fish = run("completions", "fish").stdout
    assert zsh.startswith("#compdef signalsc\n")
    for cmd in usage_commands():
        assert "'%s:" % cmd in zsh and "-a %s -d" % cmd in fish, cmd
    for opt in usage_options():
        assert opt in zsh and "-l %s" % opt[2:] in fish, opt
    assert "-l format -x -a 'text json sarif github'" in fish
    assert run("completions", "tcsh").returncode == 2
