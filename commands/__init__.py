"""The commands of `kantokuen`, a module per group of commands (solve and validate; cases and
schema; sweep and explore; report, map and export; compare; breakeven; explain), with the
options, exit codes and output they share in `common`. `cli.py` puts them on its click group
behind its one error boundary; nothing else imports this package."""
