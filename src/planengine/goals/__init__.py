"""The goal model: a goal file as it is written, typed, read once after the schema check.

``planengine validate`` (the SMART rules) and ``planengine review`` read goal files through one
reader (:func:`planengine.review._parse.parse_goal_file`, run after the check against
``schemas/goal.schema.json``); each goal it reads carries its :class:`GoalRecord` (this
package), which the SMART rules see as ``GoalContext.record`` and the review as
``ParsedGoal.record``. A record says what the file writes, typed: a field of the wrong type is
``None`` here (the schema check has reported it), and ``written`` says which keys the file
writes at all. The file's own parts (its ``as_of``, patient id, repeat questionnaires and risk
dispositions) are read into one :class:`GoalFileRecord` the same way. The review's
``ParsedGoal`` holds only what the review makes of a goal on a date (the values it can use, the
target it judges by); what the file writes it reads from the record.
"""
