"""End to end over OpenSSH, set up by following deploy/README.md step by step (issue 11).

The ```sh blocks of deploy/README.md are run as they are written, with only the paths, the
service account's name, the port and the example's company changed (SUBSTITUTIONS), and the
lines that cannot run in a test dropped (DROPPED: package installs, the virtualenv, reloading
the system's sshd). deploy/'s files are installed the same way. A private sshd on 127.0.0.1
(its own host key, port and pid file; Debian's sftp Subsystem line, as a real server has)
includes the README's Match block. Then, with the real `ssh` client (and tmux for the app):

* a person logs in by key (Connexion shows the key's login, asks its password) and reaches
  Prospects;
* `put`/`get` of a PDF round-trips;
* each way out is refused with a French message and leaves the database unchanged (audit
  rows aside): an export named `~/.bashrc`, `../x` or the database's path; an import of
  /etc/passwd; `ssh … sh`, `ssh … 'put ../x'`, scp (both protocols), sftp, a port forward;
* 5 wrong passwords from key A do not stop key B's correct login;
* a disabled user's open session ends at its next key, with a French message;
* closing the terminal ends the app (no orphan process).

Needs root (useradd, sshd), sshd, ssh, scp, sftp, ssh-keygen, tmux and runuser
(scripts/ensure-system-packages installs them; .ci/run calls it). Outside CI a missing tool or
not being root skips; in CI (CI=true) it fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.e2e.tmux import IN_CI, Tmux
from tests.e2e.tmux import tool as _tool
from tests.e2e.tmux import wait as _wait

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_BIN = Path(sys.executable).parent / "myopenip"
PASSWORD = "Secret-de-test-42"  # 10 characters at least (db.accounts.auth)

# Lines of the README's sh blocks that cannot run here, each for a stated reason.
DROPPED = (
    "apt-get install",  # scripts/ensure-system-packages installed openssh-server already
    "python3 -m venv /opt/myopenip/venv",  # the app runs from this checkout's .venv
    "/opt/myopenip/venv/bin/pip install",
    "systemctl reload ssh",  # the test starts its own sshd instead of the system's
    "sshd -T -C",  # checked below against the private sshd's own configuration
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def substitutions(base: Path, user: str) -> list[tuple[str, str]]:
    """What changes between the README and this test: paths, the account, the example company."""
    return [
        ("/opt/myopenip/venv/bin/myopenip", str(APP_BIN)),
        ("/var/lib/myopenip", f"{base}/var/lib/myopenip"),
        ("/var/log/myopenip", f"{base}/var/log/myopenip"),
        ("/etc/myopenip", f"{base}/etc/myopenip"),
        ("/usr/local/bin/myopenip-ssh", f"{base}/bin/myopenip-ssh"),
        ("/etc/ssh/sshd_config.d/myopenip.conf", f"{base}/sshd/myopenip.conf"),
        ("--company 1042", "--company 2"),  # the demo store's first reseller (revendeur's)
        # The account's name, wherever it stands alone (not in myopenip-ssh, myopenip.env...).
        (r"RE:(?<![\w./-])myopenip(?![\w.-])", user),
    ]


def substitute(text: str, pairs, used: set[int]) -> str:
    for index, (old, new) in enumerate(pairs):
        if old.startswith("RE:"):
            text, count = re.subn(old[3:], new, text)
        else:
            count = text.count(old)
            text = text.replace(old, new)
        if count:
            used.add(index)
    return text


def readme_blocks() -> list[str]:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)```", readme, flags=re.S)


class Service:
    """The installed service: run the README's $M, ssh as a person, read the store."""

    def __init__(self, base: Path, user: str, port: int, env_file: Path, sshd_pid: int, log):
        self.base, self.user, self.port, self.env_file = base, user, port, env_file
        self.sshd_pid, self.log = sshd_pid, log
        self.database = base / "var/lib/myopenip/myopenip.db"
        self.files = base / "var/lib/myopenip/files"
        self.home = Path(pwd.getpwnam(user).pw_dir)
        self.keys = base / "people"

    def admin(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        """`$M …` of the README: the app's CLI as the service account, with its env file."""
        env = [line for line in self.env_file.read_text().splitlines() if "=" in line]
        return subprocess.run(
            ["runuser", "-u", self.user, "--", "env", *env, str(APP_BIN), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.keys,
            start_new_session=True,  # no terminal: the passwords are read from stdin
        )

    def client_options(self, key: str, port_flag: str = "-p") -> list[str]:
        """The options of ssh (port flag -p) and of scp and sftp (-P): this key, this sshd."""
        return [
            "-F", "/dev/null", "-i", str(self.keys / key), port_flag, str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
        ]  # fmt: skip

    def ssh_args(self, key: str, *options: str) -> list[str]:
        return [_tool("ssh"), *self.client_options(key), *options]

    def ssh(self, key: str, command: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.ssh_args(key, "-T"), f"{self.user}@127.0.0.1", command],
            input=stdin,
            capture_output=True,
            timeout=60,
        )

    def tmux_session(self, key: str, name: str) -> Tmux:
        tmux = Tmux(f"moe2e-{name}-{os.getpid()}", size=(100, 30))
        ssh = " ".join([*self.ssh_args(key, "-tt"), f"{self.user}@127.0.0.1"])
        # The pane stays after ssh ends, so what the app printed last can be read.
        tmux.start(f"env LANG=C.UTF-8 TERM=xterm-256color {ssh}; echo SSH-ENDED $?; sleep 120")
        return tmux

    def digest(self) -> str:
        """Every table but the audit log and the login throttle, in one hash."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
                if name not in ("auditlog", "loginthrottle")
            ]
            h = hashlib.sha256()
            for table in tables:
                for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                    h.update(repr(row).encode())
            return h.hexdigest()

    def app_processes(self) -> list[int]:
        tree: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                tree.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [self.sshd_pid]
        while todo:
            for child in tree.get(todo.pop(), []):
                todo.append(child)
                if "ssh-session" in _cmdline(child):
                    found.append(child)
        return found


def _joined(tmux) -> str:
    """The screen's text with the box's borders and line breaks dropped."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", tmux.screen()).split())


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _sshd_config(base: Path, port: int) -> str:
    """A private sshd, then the README's block, included last as the README says."""
    return f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {base / "sshd/host_ed25519"}
PidFile {base / "sshd/sshd.pid"}
UsePAM no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
Include {base / "sshd/myopenip.conf"}
"""


@pytest.fixture(scope="module")
def service():
    sshd_bin, keygen = _tool("sshd"), _tool("ssh-keygen")
    for name in ("ssh", "scp", "sftp", "tmux", "runuser", "useradd"):
        _tool(name)
    if os.geteuid() != 0:
        reason = "the service test creates an account and runs sshd as root (as CI does)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir

    base = Path(tempfile.mkdtemp(prefix="myopenip-e2e-", dir="/tmp"))  # not pytest's 0700 tmp
    os.chmod(base, 0o755)
    user = f"moe2e{os.getpid() % 1000000}"
    pairs = substitutions(base, user)
    used: set[int] = set()
    for folder in ("bin", "var/lib", "var/log", "etc", "sshd", "people"):
        (base / folder).mkdir(parents=True, mode=0o755)
    server = None
    try:
        # deploy/'s files, as the README installs them (with the same substitutions).
        shutil.copytree(DEPLOY, base / "deploy")
        for path in (base / "deploy").rglob("*"):
            if path.is_file() and path.suffix != ".md":
                path.write_text(substitute(path.read_text(), pairs, used))
        for key in ("alice", "alice-b", "bob"):
            subprocess.run(
                [
                    keygen,
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-C",
                    key,
                    "-f",
                    str(base / "people" / key),
                ],
                check=True,
            )
            os.chmod(base / "people" / f"{key}.pub", 0o644)
        subprocess.run(
            [keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(base / "sshd/host_ed25519")],
            check=True,
        )

        # The README, block by block: sections 1 to 4.
        blocks = readme_blocks()
        assert len(blocks) >= 4, "deploy/README.md lost its sh blocks"
        script = []
        for block in blocks:
            for line in block.splitlines():
                if any(dropped in line for dropped in DROPPED):
                    continue
                script.append(substitute(line, pairs, used))
            if "init-db" in block:
                # The demo data, so that a person has prospects to see (not a README step).
                script.append(
                    f"runuser -u {user} -- env $(cat {base}/etc/myopenip/myopenip.env) "
                    f"{APP_BIN} seed-demo --path {base}/var/lib/myopenip/myopenip.db "
                    "--prospects 50 --quotes 20"
                )
        script = "\n".join(script).replace("alice.pub", f"{base}/people/alice.pub")
        unused = [pairs[i][0] for i in range(len(pairs)) if i not in used]
        assert not unused, f"deploy/README.md no longer holds {unused}: update the test"
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            input=f"{PASSWORD}\n" * 4,  # create-user and set-password each ask twice
            capture_output=True,
            text=True,
            timeout=180,
            cwd=base,
            start_new_session=True,
        )
        assert done.returncode == 0, f"README steps failed:\n{done.stdout}\n{done.stderr}"

        env_file = base / "etc/myopenip/myopenip.env"
        port = _free_port()
        config = base / "sshd/sshd_config"
        config.write_text(_sshd_config(base, port))
        checked = subprocess.run(
            [sshd_bin, "-t", "-f", str(config)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        log = base / "sshd/sshd.log"
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

        assert _wait(listening, 10), f"sshd did not start:\n{log.read_text()}"
        svc = Service(base, user, port, env_file, server.pid, log)
        # Key B of the same person, and a second person for the disabled-account case.
        added = svc.admin("add-key", "alice", "alice-b.pub")
        assert added.returncode == 0, added.stderr
        made = svc.admin(
            "create-user",
            "bob",
            "--portal",
            "revendeur",
            "--company",
            "2",
            "--name",
            "Bob",
            stdin=f"{PASSWORD}\n{PASSWORD}\n",
        )
        assert made.returncode == 0, made.stderr
        assert svc.admin("add-key", "bob", "bob.pub").returncode == 0
        yield svc
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(5)
            except subprocess.TimeoutExpired:
                server.kill()
        subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["userdel", "-r", user], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _fail_with_log(service, error: AssertionError):
    raise AssertionError(f"{error}\n--- sshd log ---\n{service.log.read_text()[-3000:]}") from None


# -- the set-up itself ---------------------------------------------------------------------------


def test_the_service_is_installed_as_the_readme_says(service):
    """Private files, keys written by add-key, sshd's effective settings for the account."""
    mode = lambda path: path.stat().st_mode & 0o777  # noqa: E731
    lib = service.base / "var/lib/myopenip"
    for folder in (
        lib / ".ssh",
        lib / "files",
        service.base / "var/log/myopenip",
        service.base / "etc/myopenip",
    ):
        assert mode(folder) == 0o700 and folder.owner() == service.user, folder
    assert mode(service.env_file) == 0o600
    assert mode(service.database) == 0o600, "the store is the service's alone"
    keys = (lib / ".ssh/authorized_keys").read_text().splitlines()
    assert len(keys) == 3
    wrapper = service.base / "bin/myopenip-ssh"
    assert all(
        line.startswith(f'command="{wrapper} ') and ",restrict,pty ssh-ed25519 " in line
        for line in keys
    ), keys
    listed = service.admin("list-keys", "alice")
    assert listed.returncode == 0 and listed.stdout.count("SHA256:") == 2, listed.stdout

    effective = subprocess.run(
        [
            _tool("sshd"),
            "-T",
            "-f",
            str(service.base / "sshd/sshd_config"),
            "-C",
            f"user={service.user},host=client,addr=192.0.2.10",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.lower()
    for line in (
        f"forcecommand {wrapper}".lower(),
        "disableforwarding yes",
        "permittty yes",
        "allowtcpforwarding no",
        "authenticationmethods publickey",
        "permituserrc no",
        "x11forwarding no",
    ):
        assert line in effective, line


# -- a person logs in by key -----------------------------------------------------------------------


def test_a_person_logs_in_by_key_and_reaches_prospects(service):
    tmux = service.tmux_session("alice-b", "login")
    try:
        # The key's login, fixed; only its password is asked.
        tmux.wait_for("Connexion", "Mot de passe", "Connexion par clé SSH", "alice", timeout=40)
        tmux.type(PASSWORD)
        tmux.key("Enter")
        tmux.wait_for("Bienvenue alice")
        tmux.choose_in_palette("Prospects")
        tmux.wait_for("IDENTIFIANT", "RAISON SOCIALE", "CABINET DUVAL")

        # Exports by name only: ~/.bashrc, ../x, the database's own path are refused at the
        # field; nothing is written anywhere and the store is unchanged.
        before = service.digest()
        bashrc = service.home / ".bashrc"  # useradd copied /etc/skel's, or none
        bashrc_before = bashrc.read_bytes() if bashrc.exists() else None
        outbox = service.files / "alice/outbox"
        for name in ("~/.bashrc", "../x", str(service.database)):
            tmux.key("C-o")
            tmux.wait_for("Exporter en CSV", "Dossier d'envoi")
            tmux.key("C-u")
            tmux.type(name)
            tmux.key("Enter")
            shown = " ".join(tmux.wait_for("sans « / » ni « \\ »", timeout=10).split())
            print(f"\nexport « {name} » : " + shown[shown.index("Indiquez") :][:110])
            tmux.key("Escape")
            tmux.wait_for("CABINET DUVAL")
        assert (bashrc.read_bytes() if bashrc.exists() else None) == bashrc_before
        assert not (service.files / "alice/x").exists() and not (service.files / "x").exists()
        assert not outbox.exists() or list(outbox.iterdir()) == []
        with service.database.open("rb") as store:
            assert store.read(16) == b"SQLite format 3\x00"
        assert service.digest() == before
        assert service.app_processes(), "the app runs under this sshd"
    except AssertionError as error:
        _fail_with_log(service, error)
    finally:
        processes = service.app_processes()
        tmux.kill()  # closes the ssh client, as closing the terminal window would
    # The app ends with its connection: no orphan process.
    _wait(lambda: not [pid for pid in processes if "ssh-session" in _cmdline(pid)], 10)
    orphans = [pid for pid in processes if "ssh-session" in _cmdline(pid)]
    for pid in orphans:
        os.kill(pid, signal.SIGKILL)
    assert not orphans, f"orphan app process(es) after disconnect: {orphans}"


# -- files through the same SSH, nothing else ---------------------------------------------------


def test_put_and_get_of_a_pdf_round_trip(service):
    pdf = b"%PDF-1.4\n" + os.urandom(50_000) + b"\n%%EOF\n"
    put = service.ssh("alice", "put rib.pdf", pdf)
    assert put.returncode == 0, put.stderr.decode()
    stored = service.files / "alice/inbox/rib.pdf"
    assert stored.read_bytes() == pdf
    assert stored.stat().st_mode & 0o777 == 0o600 and stored.owner() == service.user
    listed = service.ssh("alice", "ls").stdout.decode()
    assert "rib.pdf" in listed and "Dossier de dépôt" in listed

    # The outbox holds what the app writes for the person (a mandate, an export): written
    # here by the app's own function, as the service account, then fetched with get.
    write = (
        "import sys; from db.files import folders; "
        "folders.write_bytes(folders.outbox(sys.argv[1], 'alice'), 'mandat.pdf', "
        "sys.stdin.buffer.read())"
    )
    done = subprocess.run(
        ["runuser", "-u", service.user, "--", sys.executable, "-c", write, str(service.files)],
        input=pdf,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    got = service.ssh("alice", "get mandat.pdf")
    assert got.returncode == 0 and got.stdout == pdf, got.stderr.decode()
    # One person's files are theirs: bob sees neither.
    assert service.ssh("bob", "get mandat.pdf").returncode == 2
    assert "rib.pdf" not in service.ssh("bob", "ls").stdout.decode()


SHELL_REFUSED = (
    "Commande refusée : « sh ». Commandes possibles : put [-f] NOM, get NOM, ls, export "
    "LISTE, import-prospects (ou rien, avec ssh -t : l'application)."
)


def test_a_shell_a_path_scp_sftp_and_forwards_are_refused(service):
    before = service.digest()
    said = {}
    done = service.ssh("alice", "sh", b"id > /tmp/pwned\n")
    assert done.returncode == 2
    said["sh"] = done.stderr.decode().strip()
    assert said["sh"] == SHELL_REFUSED
    for command in ("put ../x", "get ../../myopenip.db"):
        done = service.ssh("alice", command, b"x")
        said[command] = done.stderr.decode().strip()
        assert done.returncode == 2 and done.stdout == b"", said[command]
        assert "sans « / » ni « \\ »" in said[command], said[command]
    assert not Path("/tmp/pwned").exists()

    local = service.base / "people/local.txt"
    local.write_text("x")
    for mode in (["-O"], []):  # the legacy scp protocol, then scp over SFTP (the default)
        done = subprocess.run(
            [
                _tool("scp"),
                *mode,
                *service.client_options("alice", "-P"),
                str(local),
                f"{service.user}@127.0.0.1:x",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode != 0
        said["scp " + " ".join(mode)] = done.stderr.strip()
    done = subprocess.run(
        [
            _tool("sftp"),
            "-b",
            "-",
            *service.client_options("alice", "-P"),
            f"{service.user}@127.0.0.1",
        ],
        input="ls\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The wrapper refuses the subsystem's program (its French line goes to the channel's
    # stderr, which the sftp client does not show): the client only sees the channel close.
    assert done.returncode != 0 and "Connection closed" in done.stderr, done.stderr
    said["sftp"] = done.stderr.strip()

    # A local port forward: sshd refuses the channel, nothing reaches the port behind it.
    target = socket.socket()
    target.bind(("127.0.0.1", 0))
    target.listen(1)
    target.settimeout(3)
    lport = _free_port()
    forward = subprocess.Popen(
        [
            *service.ssh_args("alice", "-N", "-L", f"{lport}:127.0.0.1:{target.getsockname()[1]}"),
            f"{service.user}@127.0.0.1",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        connected = _wait(lambda: _connects(lport), 10)
        assert connected, "the client's local end did not open"
        with pytest.raises(TimeoutError):
            target.accept()  # nothing came through
    finally:
        forward.terminate()
        _, err = forward.communicate(timeout=10)
        target.close()
    said["ssh -L"] = "rien n'est passé par le tunnel (DisableForwarding yes)"

    print("\n" + "\n".join(f"{k!r}: {v}" for k, v in said.items()))
    assert service.digest() == before


def _connects(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.settimeout(2)
            with contextlib.suppress(TimeoutError, OSError):
                sock.recv(1)
        return True
    except OSError:
        return False


def test_an_import_of_etc_passwd_is_refused_without_echoing_it(service):
    before = service.digest()
    done = service.ssh("alice", "import-prospects", Path("/etc/passwd").read_bytes())
    out, err = done.stdout.decode(), done.stderr.decode()
    print(f"\nimport-prospects < /etc/passwd : code {done.returncode}\n{out}{err}")
    assert done.returncode in (1, 2)
    assert "root:" not in out + err and "/bin/" not in out + err
    assert service.digest() == before


# -- sessions -----------------------------------------------------------------------------------------


def test_five_wrong_passwords_from_key_a_do_not_stop_key_b(service):
    a = service.tmux_session("alice", "wrong")
    try:
        a.wait_for("Connexion par clé SSH", timeout=40)
        for attempt in range(5):
            a.type(f"faux-{attempt}-mot-de-passe")
            a.key("Enter")
            time.sleep(1.0)  # argon2, then the message (wrapped in the box: read joined)
            _wait(lambda: "Identifiants incorrects ou compte indisponible." in _joined(a), 20)
            assert "Identifiants incorrects ou compte indisponible." in _joined(a), a.screen()
            a.key("C-u")
        # From key A the next attempts wait (1, 2, 4 s...): typed at once, one is held up.
        for attempt in range(6):
            a.type(f"encore-faux-{attempt}")
            a.key("Enter")
            if _wait(lambda: "Trop d'essais infructueux depuis ce poste" in _joined(a), 3):
                break
            a.key("C-u")
        slowed = _joined(a)
        assert "Trop d'essais infructueux depuis ce poste" in slowed, a.screen()
        print("\n6e essai, clé A : " + slowed[slowed.index("Trop d'essais") :][:90])
    except AssertionError as error:
        _fail_with_log(service, error)
    finally:
        a.kill()
    b = service.tmux_session("alice-b", "right")
    try:
        b.wait_for("Connexion par clé SSH", timeout=40)
        b.type(PASSWORD)
        b.key("Enter")
        b.wait_for("Bienvenue alice", timeout=20)  # no delay, no lock for key B
    except AssertionError as error:
        _fail_with_log(service, error)
    finally:
        b.kill()


def test_a_disabled_users_open_session_ends_at_its_next_key(service):
    tmux = service.tmux_session("bob", "disabled")
    try:
        tmux.wait_for("Connexion par clé SSH", timeout=40)
        tmux.type(PASSWORD)
        tmux.key("Enter")
        tmux.wait_for("Bienvenue bob", timeout=20)
        processes = service.app_processes()
        assert processes
        done = service.admin("disable-user", "bob")
        assert done.returncode == 0, done.stderr
        time.sleep(3.5)  # the app checks the account at most every 3 s (tui/app.py)
        tmux.key("Down")
        screen = tmux.wait_for("SSH-ENDED", timeout=20)
        message = (
            "Votre compte a été désactivé : la session est fermée. Adressez-vous à votre "
            "administrateur."
        )
        assert message in " ".join(screen.split()), screen
        _wait(lambda: not [p for p in processes if "ssh-session" in _cmdline(p)], 10)
        assert not [p for p in processes if "ssh-session" in _cmdline(p)]
        print(f"\nsession de bob après disable-user : {message}")
    except AssertionError as error:
        _fail_with_log(service, error)
    finally:
        tmux.kill()
