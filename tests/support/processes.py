"""A child process with its output in a file, stopped by its own pid (never by name)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path


class ChildProcess:
    def __init__(
        self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix="child-", suffix=".log", delete=False
        )
        self.argv = list(argv)
        self.process = subprocess.Popen(
            self.argv,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM this pid, then SIGKILL it if it has not exited within `timeout`."""
        if self.running():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        self._log.close()
        return self.process.returncode

    def cleanup(self) -> None:
        Path(self._log.name).unlink(missing_ok=True)
