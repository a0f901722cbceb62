"""End to end over OpenSSH: a real sshd on 127.0.0.1 with deploy/'s snippet and wrapper, the real
`ssh -tt` client inside tmux, a login, the Prospects list read off the screen; then closing the
connection ends the app on the server (no orphan process).

Needs sshd, ssh, ssh-keygen and tmux (scripts/ensure-system-packages installs them; .ci/run calls
it) and root, as in CI. Outside CI a missing tool skips the test; in CI (CI=true) it fails it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_BIN = Path(sys.executable).parent / "myopenip"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")
    if found is None:
        reason = f"`{name}` is missing (scripts/ensure-system-packages installs it)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    return "myopenip" in _cmdline(pid)  # gone, a zombie (empty cmdline) or a reused pid: no


def app_processes(sshd_pid: int) -> list[int]:
    """The myopenip processes descended from our sshd (not the other sessions on this machine)."""
    tree, found, todo = _children(), [], [sshd_pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            todo.append(child)
            if "myopenip" in _cmdline(child) and "sshd" not in _cmdline(child):
                found.append(child)
    return found


def _config(tmp: Path, port: int, env_file: Path) -> str:
    """sshd_config: a private sshd on 127.0.0.1 and deploy/'s Match block, applied to root."""
    snippet = (DEPLOY / "sshd_config.d" / "myopenip.conf").read_text()
    assert (
        "Match Group myopenip" in snippet and "ForceCommand /usr/local/bin/myopenip-ssh" in snippet
    )
    snippet = snippet.replace("Match Group myopenip", "Match User root").replace(
        "ForceCommand /usr/local/bin/myopenip-ssh",
        f"ForceCommand /bin/bash {DEPLOY / 'myopenip-ssh'}",
    )
    return f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {tmp / "host_ed25519"}
PidFile {tmp / "sshd.pid"}
AuthorizedKeysFile {tmp / "authorized_keys"}
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers root
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
SetEnv MYOPENIP_ENV_FILE={env_file}
{snippet}"""


class Tmux:
    """A private tmux server (own socket, no user config) holding one 100x30 session."""

    def __init__(self, tmux: str, name: str):
        self.base = [tmux, "-L", name, "-f", "/dev/null"]
        self.name = name

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [*self.base, *args], capture_output=True, text=True, check=check, timeout=10
        )
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.name, "-x", "100", "-y", "30", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name, check=False)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        found = _wait(lambda: all(t in (s := self.screen()) for t in texts) and s, timeout)
        assert found, f"{texts} not on screen after {timeout} s:\n{self.screen()}"
        return found

    def type(self, text: str) -> None:
        for char in text:
            self.run("send-keys", "-t", self.name, "-l", char)
            time.sleep(0.03)

    def key(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.name, key)
            time.sleep(0.15)

    def kill(self) -> None:
        self.run("kill-server", check=False)


@pytest.fixture
def sshd(tmp_path):
    """A running sshd for this test: (pid, port, client key, tmp dir, log file)."""
    sshd_bin, keygen = _tool("sshd"), _tool("ssh-keygen")
    _tool("ssh")
    _tool("tmux")
    if os.geteuid() != 0:
        reason = "the SSH test runs sshd as root (as CI does)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir

    for key in ("host_ed25519", "client_ed25519"):
        subprocess.run(
            [keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / key)], check=True
        )
    (tmp_path / "authorized_keys").write_text((tmp_path / "client_ed25519.pub").read_text())

    database = tmp_path / "demo.db"
    subprocess.run(
        [str(APP_BIN), "seed-demo", "--path", str(database), "--prospects", "50", "--quotes", "20"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    env_file = tmp_path / "myopenip.env"
    env_file.write_text(
        f"MYOPENIP_DB={database}\n"
        f"MYOPENIP_BIN={APP_BIN}\n"
        f"MYOPENIP_CONFIG={tmp_path / 'absent.toml'}\n"
        f"MYOPENIP_LOG_FILE={tmp_path / 'myopenip.log'}\n"
        f"MYOPENIP_INBOX={tmp_path / 'inbox'}\n"
    )
    port = _free_port()
    config = tmp_path / "sshd_config"
    config.write_text(_config(tmp_path, port, env_file))
    subprocess.run([sshd_bin, "-t", "-f", str(config)], check=True, capture_output=True)

    log = tmp_path / "sshd.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sshd_bin, "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
        )

    def listening() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    try:
        assert _wait(listening, 10), f"sshd did not start:\n{log.read_text()}"
        yield server.pid, port, tmp_path / "client_ed25519", tmp_path, log, config
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


def _ssh_args(port: int, key: Path) -> list[str]:
    return [
        _tool("ssh"),
        "-F",
        "/dev/null",
        "-i",
        str(key),
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "LogLevel=ERROR",
    ]


def test_deploy_snippet_takes_effect_for_the_group(sshd):
    """The effective settings of a matching login: the app only, a PTY, no way around it."""
    *_, config = sshd
    effective = subprocess.run(
        [_tool("sshd"), "-T", "-f", str(config), "-C", "user=root,host=localhost,addr=127.0.0.1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.lower()
    for line in (
        f"forcecommand /bin/bash {DEPLOY / 'myopenip-ssh'}".lower(),
        "permittty yes",
        "allowtcpforwarding no",
        "x11forwarding no",
        "allowagentforwarding no",
        "permittunnel no",
        "acceptenv lang",
        "acceptenv colorterm",
    ):
        assert line in effective, line


def test_a_command_without_terminal_gets_no_shell(sshd):
    _pid, port, key, *_ = sshd
    done = subprocess.run(
        [*_ssh_args(port, key), "-T", "root@127.0.0.1", "echo", "SHELL-ACCESS"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "SHELL-ACCESS" not in done.stdout
    assert "MyOpenIP a besoin d'un terminal" in done.stderr
    assert done.returncode != 0


def test_app_over_ssh_and_no_orphan_after_disconnect(sshd):
    sshd_pid, port, key, tmp, log, _ = sshd
    tmux = Tmux(_tool("tmux"), f"myopenip-e2e-{os.getpid()}")
    ssh = " ".join([*_ssh_args(port, key), "-tt", "root@127.0.0.1"])
    # The pane stays after ssh ends, so a failure shows what ssh printed last.
    tmux.start(f"env LANG=C.UTF-8 {ssh}; echo SSH-ENDED $?; sleep 60")
    try:
        tmux.wait_for("Connexion", "Mot de passe", timeout=40)
        app = _wait(lambda: app_processes(sshd_pid), 5)
        assert app, "the app runs under this sshd"

        tmux.type("revendeur")
        tmux.key("Tab")
        tmux.type("demo")
        tmux.key("Enter")
        tmux.wait_for("Bienvenue", "revendeur")

        # Prospects, from the keyboard: the palette (Ctrl+P) reaches every place of the menu.
        tmux.key("C-p")
        tmux.wait_for("🔎", timeout=10)
        tmux.type("Prospects")
        tmux.wait_for("Entreprises › GESTION DES ENTREPRISES", timeout=10)
        tmux.key("Enter")
        screen = tmux.wait_for("IDENTIFIANT", "CABINET DUVAL")
        assert "RAISON SOCIALE" in screen
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- sshd log ---\n{log.read_text()[-3000:]}") from None
    finally:
        tmux.kill()  # closes the ssh client, as closing the terminal window would

    # The app must end by itself: once the session is gone it would be reparented away from
    # sshd, so each process found above is followed by its pid.
    _wait(lambda: not [pid for pid in app if _alive(pid)], 10)
    orphans = [pid for pid in app if _alive(pid)]
    for pid in orphans:
        os.kill(pid, signal.SIGKILL)  # leave nothing behind, then report
    assert not orphans, f"orphan app process(es) after disconnect: {orphans}"
