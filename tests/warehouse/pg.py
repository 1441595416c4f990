"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl under a
temporary directory, on a free port, as the `postgres` system user when the
tests run as root (PostgreSQL refuses to run as root). Stopped afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile


def _bindir() -> str | None:
    for name in ("pg_ctl", "initdb"):
        p = shutil.which(name)
        if p and os.path.exists(os.path.join(os.path.dirname(os.path.realpath(p)), "initdb")):
            return os.path.dirname(os.path.realpath(p))
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bindir = _bindir()
        if not self.bindir:
            raise RuntimeError("PostgreSQL is not installed (initdb not found; "
                               "scripts/install-deps.sh installs it)")
        self.root = tempfile.mkdtemp(prefix="signals-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        self.user = "postgres"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o755)

    def _run(self, args):
        cmd = [os.path.join(self.bindir, args[0])] + args[1:]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stdout}\n{p.stderr}")
        return p

    def start(self):
        self._run(["initdb", "-D", self.data, "-U", self.user, "-A", "trust",
                   "-E", "UTF8", "--locale=C"])
        self._run(["pg_ctl", "-D", self.data, "-l", os.path.join(self.root, "log"), "-w",
                   "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                         f"-c fsync=off -c synchronous_commit=off -c TimeZone=UTC",
                   "start"])
        return self

    def stop(self):
        try:
            self._run(["pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def connect(self, dbname="postgres"):
        import psycopg2
        con = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=dbname)
        con.autocommit = True
        return con

    def env(self, dbname: str, schema: str = "signals") -> dict:
        return {"SIGNALS_PG_HOST": "127.0.0.1", "SIGNALS_PG_PORT": str(self.port),
                "SIGNALS_PG_USER": self.user, "SIGNALS_PG_PASSWORD": "",
                "SIGNALS_PG_DBNAME": dbname, "SIGNALS_PG_SCHEMA": schema}
