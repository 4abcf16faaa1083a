"""Text helpers shared by readers' inputs."""

import re

# C0 and C1 control characters: never meaningful in a search or a number a reader typed.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
