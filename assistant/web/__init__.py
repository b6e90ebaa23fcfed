"""The drafters' web app (Gradio): ask and draft with cited sources, manage the library."""

import os

# Gradio phones home (analytics, version check) unless told not to; we run offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
