"""Stage 2, score: questionnaire definitions kept as data (bands, cut-offs, change thresholds, risk items, each with its citation), and scoring one response against them."""
