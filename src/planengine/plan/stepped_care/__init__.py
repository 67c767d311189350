"""Stepped care: the planning stage between the strategies' proposals and the finished plan
(docs/stepped-care.md).

The stage is :class:`._stage.SteppedCare`; its rules are data (:mod:`._rules`), the order of
problems is :mod:`._order`, options :mod:`._options` (and those the core adds,
:mod:`._added_options`), doses :mod:`._dose`, phases :mod:`._phases`, the homework budget and
the burden :mod:`._budget`, and what it records :mod:`._records`. Nothing is imported here, so
reading the planning settings' defaults (:func:`._defaults.default_limit`) stays light for the
commands that only lint or review.
"""
