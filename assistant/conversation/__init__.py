"""The read path's conversation stage: turns kept per user, follow-ups made standalone.

- ``store.ConversationStore``: conversations and their turns in SQLite under the data dir,
  one row set per login;
- ``followup``: a ``FollowUpResolver`` turns 「那在职党员有多少名？」 into a question that
  stands alone, by rule (``RuleFollowUpResolver``) or with the chat model
  (``ModelFollowUpResolver``); ``make_resolver(chat)`` picks one;
- ``scope.scope_conflict``: the question names a unit or year the active filters exclude.
"""

from __future__ import annotations

from assistant.conversation.followup import (
    FollowUpResolver,
    ModelFollowUpResolver,
    RuleFollowUpResolver,
    make_resolver,
)
from assistant.conversation.scope import scope_conflict
from assistant.conversation.store import LOCAL_USER, ConversationStore
from assistant.conversation.types import Conversation, Turn

__all__ = [
    "LOCAL_USER",
    "Conversation",
    "ConversationStore",
    "FollowUpResolver",
    "ModelFollowUpResolver",
    "RuleFollowUpResolver",
    "Turn",
    "make_resolver",
    "scope_conflict",
]
