"""The ``file`` e-mail backend with private files: ``INNOMON_HOME/mail/`` is made 0700 and every
message file 0600 from the start (the messages hold the firms' private questionnaire links)."""

from __future__ import annotations

import os
from contextlib import suppress
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileBackend

from innomon.config import open_private, private_mkdir


class PrivateFileBackend(FileBackend):
    def __init__(self, *args: Any, file_path: str | None = None, **kwargs: Any) -> None:
        from django.conf import settings

        folder = os.path.abspath(file_path or settings.EMAIL_FILE_PATH)
        with suppress(OSError):  # the base class reports an unusable folder
            private_mkdir(folder)
            os.chmod(folder, 0o700)  # a folder an older innomon made 0755
        super().__init__(*args, file_path=file_path, **kwargs)

    def open(self) -> bool:
        if self.stream is None:
            self.stream = open_private(self._get_filename(), "ab")
            return True
        return False
