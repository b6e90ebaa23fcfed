"""The web edge's one translation: a library error becomes one 错误 toast with its message.

Every Gradio handler that calls into the library is wrapped with :func:`shows_errors`;
anything that is not an ``AssistantError`` is a bug and reaches Gradio's own error handling.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import gradio as gr

from core.errors import AssistantError

TITLE = "错误"


def as_gradio_error(exc: AssistantError) -> gr.Error:
    """The toast for ``exc``: its one-line message, no traceback in the page."""
    return gr.Error(str(exc), title=TITLE, print_exception=False)


def shows_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a handler (a plain function or a generator) so library errors become toasts.

    ``functools.wraps`` keeps the signature Gradio reads (``progress=gr.Progress()``).
    """
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def streamed(*args: Any, **kwargs: Any):
            try:
                yield from fn(*args, **kwargs)
            except AssistantError as exc:
                raise as_gradio_error(exc) from exc

        return streamed

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any):
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            raise as_gradio_error(exc) from exc

    return plain
