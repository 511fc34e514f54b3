"""Pure data for the Kantokuen planner: case schema, loading, scenarios, plans and the verifier.

Nothing here imports ortools or click.
"""

__version__ = "0.1.0"
