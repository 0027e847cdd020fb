"""Signals between features (blinker, which Flask already uses).

A feature may call the services of the features below it. When a lower feature needs something
only a higher one knows, the lower one sends a signal defined here and the higher one, imported
at start-up by create_app, subscribes. Receivers run in the sender's request and transaction.
Each signal is listed in the README's architecture section.
"""

from blinker import Namespace

_signals = Namespace()

# authoring's question page asks the features above it what they know of the question; each
# receiver gets (sender, question=..., version=...) and returns a dict of template values.
question_page = _signals.signal("question-page")

# `flask bank load` found a changed alias table (content/aliases.yaml): what counts as the same typed
# answer changed. Receivers get (sender, now=...) and return (answers checked, answers changed).
alias_table_changed = _signals.signal("alias-table-changed")

# authoring's "retire this question?" page asks the features above it what retiring would change;
# each receiver gets (sender, question_id=...) and returns a list of `Use`s: where the item is in use
# and what happens there.
question_uses = _signals.signal("question-uses")
