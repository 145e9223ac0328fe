"""``kagazsyz demo logins`` prints what a person needs to try the demo;
``kagazsyz demo serve`` runs the whole platform: the sandbox registries (X-Road REST on loopback),
a task worker, the ledger's sequencer and the web server, and stops them together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kagazsyz.core.arguments import PORT
from kagazsyz.oversight.services import oversight_demo_roles
from kagazsyz.registries.sandbox.selectors import sample_residents


class Command(BaseCommand):
    help = "Demo helpers: print log-ins, or serve the platform with its registries and worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["logins", "serve"])
        parser.add_argument("--port", type=PORT, default=8000, help="web port (8000)")
        parser.add_argument(
            "--registries-port", type=PORT, default=8100, help="sandbox registries port (8100)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "logins":
            self._logins()
        else:
            self._serve(options["port"], options["registries_port"])

    def _logins(self) -> None:
        self.stdout.write(
            "Demo log-ins (sandbox identity provider: log in with the PIN at /login/):"
        )
        for person in sample_residents():
            self.stdout.write(
                f"  {person['personal_number']}  {person['full_name']:<40}  {person['role']}"
            )
        self.stdout.write(
            'API: POST /api/v1/sandbox/login {"personal_number": …} gives a bearer token.'
        )
        self.stdout.write("Oversight pages at /oversight/ (sandbox log-in with these):")
        for pin, name, role in oversight_demo_roles():
            self.stdout.write(f"  {pin}  {name:<40}  {role}")
        self._office_logins()

    def _office_logins(self) -> None:
        from kagazsyz.office.demo import DEMO_PASSWORD, demo_officials_ensure

        self.stdout.write(
            f"Back office at /office/login/: password {DEMO_PASSWORD!r} and the TOTP code of the "
            "secret below (any authenticator app, or `kagazsyz office totp PIN`):"
        )
        for person in demo_officials_ensure():
            self.stdout.write(
                f"  {person.agency:<8} {person.role:<10} {person.personal_number}  "
                f"TOTP {person.totp_secret}"
            )

    def _serve(self, port: int, registries_port: int) -> None:
        env = {
            **os.environ,
            "REGISTRY_TRANSPORT": "xroad",
            "XROAD_SECURITY_SERVER": f"http://127.0.0.1:{registries_port}",
            # The sandbox payment provider calls back this web server over HTTP (from the worker).
            "SITE_URL": os.environ.get("SITE_URL", f"http://127.0.0.1:{port}"),
        }
        command = [sys.executable, "-m", "kagazsyz.cli"]
        # Our own interpreter and arguments: nothing here comes from outside the process.
        arguments = [
            [*command, "registries", "serve", "--port", str(registries_port)],
            [*command, "worker", "--poll", "0.2"],
            [*command, "ledger", "sequence", "--every", "2"],
            [*command, "office", "escalate", "--every", "300"],
            [*command, "oversight", "refresh", "--every", "300"],
            [*command, "runserver", f"127.0.0.1:{port}", "--noreload"],
        ]
        processes = [subprocess.Popen(argv, env=env) for argv in arguments]  # noqa: S603
        self.stdout.write(
            f"Kagazsyz: http://127.0.0.1:{port}/  registries: http://127.0.0.1:{registries_port}/"
        )
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
