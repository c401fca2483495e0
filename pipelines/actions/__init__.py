"""The action register: handlingsplan templates, the council's decided actions and their
follow-up (docs/actions.md)."""
