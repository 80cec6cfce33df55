"""The Java virtual machine that MPXJ runs on: started once per process, on
first use, with MPXJ's jars on its class path.

A process gets one JVM; it cannot be restarted once stopped, so it is never
stopped. A machine without Java gets a configuration error that says so.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

from projsync.errors import ConfigurationError

__all__ = ["java_classes", "start_jvm"]

_lock = threading.Lock()

CLASSES = Path(__file__).resolve().parent / "java" / "classes"
"""Where ``make`` compiles the Java sources beside it (``java/io/projsync``)."""


def start_jvm() -> None:
    """Start the JVM with MPXJ's jars unless it runs already."""
    with _lock:
        try:
            import jpype
            import mpxj  # noqa: F401  - puts MPXJ's jars on the class path
        except ImportError as exc:  # pragma: no cover - an install problem
            raise ConfigurationError(
                "Microsoft Project files need the mpxj and JPype1 packages: "
                "pip install 'projsync[msproject]'"
            ) from exc
        if jpype.isJVMStarted():
            return
        if shutil.which("java") is None and not _java_home():
            raise ConfigurationError(
                "Microsoft Project files need a Java runtime (17 or newer); "
                "install one, e.g. apt-get install default-jre-headless"
            )
        if CLASSES.is_dir():  # projsync's own Java helpers, when make has compiled them
            jpype.addClassPath(str(CLASSES))
        jpype.startJVM(
            "-Xmx2g",
            # POI asks log4j for a logger; without this it complains on stderr.
            "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
            convertStrings=False,
        )


def java_classes(*names: str) -> list[Any]:
    """Java classes by fully qualified name, after starting the JVM."""
    start_jvm()
    import jpype

    return [jpype.JClass(name) for name in names]


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return bool(home) and os.path.exists(os.path.join(home or "", "bin", "java"))
