"""Deterministic demo data: organisations, procedures, candidates' results, lists, consultants
and Q-checks at three scales (S, M, L). Outcomes are never drawn: the rules engine derives
them from the generated scores."""

from selstats.demo.build import DemoSummary, build_demo
from selstats.demo.catalogue import DEMO_TODAY

__all__ = ["DEMO_TODAY", "DemoSummary", "build_demo"]
