"""Workflows A and B through a real sshd: the bytes the ssh client hands to its terminal.

`python3 dev.py bench --only workflows --ssh`: a throwaway sshd (its own host key, config and
authorized key in the bench's temporary folder, 127.0.0.1 on a free port, public key only) is
started for the run and stopped after it; the client (`ssh -tt`, on the bench's pseudo-
terminal, so the server's pty gets its size and TERM) runs `myopenip` on a fresh demo store.
The figures are the bytes received by the client's terminal, at 80×24, next to the same
workflow played on a local pseudo-terminal in the same bench run (bench/wire_bench.py).
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import time
from pathlib import Path

from bench.terminal import BIN, ROOT, Term
from bench.wire_bench import MODES, SIZES, Run, env_for, fresh_copy, kb, render, seconds
from bench.workflows import WORKFLOWS, play_on_terminal

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SSH = shutil.which("ssh") or "/usr/bin/ssh"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sshd:
    """A throwaway sshd on 127.0.0.1 accepting one key; stopped by `close` (its own process)."""

    def __init__(self, tmp: str):
        self.dir = Path(tmp) / "sshd"
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in ("host_key", "client_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.dir / name)],
                check=True,
            )
        (self.dir / "authorized_keys").write_text((self.dir / "client_key.pub").read_text())
        self.port = _free_port()
        config = self.dir / "sshd_config"
        config.write_text(
            "\n".join(
                [
                    f"Port {self.port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.dir / 'host_key'}",
                    f"PidFile {self.dir / 'sshd.pid'}",
                    f"AuthorizedKeysFile {self.dir / 'authorized_keys'}",
                    "StrictModes no",
                    "UsePAM no",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        Path("/run/sshd").mkdir(exist_ok=True)  # its privilege separation directory
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "sshd.log", "wb"),  # noqa: SIM115 - kept for the process
        )
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            if time.monotonic() > deadline or self.proc.poll() is not None:
                log = (self.dir / "sshd.log").read_text(errors="replace")
                self.close()
                raise RuntimeError(f"sshd ne démarre pas : {log}")
            time.sleep(0.05)

    def client_argv(self, command: str) -> list[str]:
        return [
            SSH,
            "-tt",
            "-F",
            os.devnull,
            "-i",
            str(self.dir / "client_key"),
            "-p",
            str(self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={os.devnull}",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "IdentitiesOnly=yes",
            f"{getpass.getuser()}@127.0.0.1",
            command,
        ]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # the sshd this object started, by its own handle
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def remote_command(db: str, mode: str, tmp: str) -> str:
    """The app, as the session's shell runs it: sshd passes TERM, not our variables."""
    env = {
        key: value
        for key, value in env_for(mode, True, tmp).items()
        if key.startswith("MYOPENIP_") or key == "LANG"
    }
    assignments = " ".join(f"{key}={shlex.quote(value)}" for key, value in sorted(env.items()))
    app = shlex.quote(str(BIN / "myopenip"))
    return f"cd {shlex.quote(str(ROOT))} && exec env {assignments} {app} --db {shlex.quote(db)}"


def measure(tmp: str) -> list[Run]:
    """Each workflow at 80×24, both modes, screen diff on, through sshd."""
    runs: list[Run] = []
    sshd = Sshd(tmp)
    try:
        for workflow in sorted(WORKFLOWS):
            for mode in MODES:
                db = fresh_copy(tmp, f"ssh-{workflow}")
                argv = sshd.client_argv(remote_command(db, mode, tmp))
                env = env_for(mode, True, tmp)
                with Term(argv, *SIZES[0], env) as term:
                    steps = play_on_terminal(term, WORKFLOWS[workflow])
                runs.append(Run(workflow, SIZES[0], mode, True, steps))
    finally:
        sshd.close()
    return runs


def report(local_runs: list[Run], tmp: str, markdown: bool) -> str:
    runs = measure(tmp)
    head = ("Au travers de sshd, 80×24", "terminal local", "client ssh", "écart", "64 kbit/s")
    rows = []
    for run in runs:
        local = next(
            r
            for r in local_runs
            if (r.workflow, r.size, r.mode, r.diff) == (run.workflow, run.size, run.mode, True)
        )
        here, there = sum(local.steps), sum(run.steps)
        rows.append(
            (
                f"Workflow {run.workflow}, {'low-bandwidth' if run.mode == 'low' else 'normal'}",
                kb(here),
                kb(there),
                f"{(there - here) / here * 100:+.1f} %" if here else "",
                seconds(there),
            )
        )
    return render(head, rows, markdown)
