"""Sandbox population: synthetic residents standing in for the agencies' registries.

Used by the demo and the tests, never in production. ``generate_population`` makes residents,
``load.population_generate`` stores them, ``selectors.sample_residents`` picks ones to test with.
"""

from kagazsyz.registries.sandbox.generator import Resident, generate_population

__all__ = ["Resident", "generate_population"]
