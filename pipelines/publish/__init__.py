"""Publish stage: versioned snapshots of the curated tables for analysts and the council."""
