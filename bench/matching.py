"""Matching at scale: a generated cohort of 20,000 mentees and 4,000 mentors.

    python bench/matching.py [--mentees N --mentors N]

Capacities 1 to 5; mentees must match on career field (80 fields), so each has about
50 eligible mentors. Each phase runs in a fresh process and reports its time and how
much its peak resident memory (VmHWM) grew; the greedy "best first" assignment runs
in the same process as the optimum, as the baseline it is compared with.
Targets: the optimal assignment in at most 3 s and 0.5 GB; top-five suggestions among
5,000 mentors in at most 50 ms.

With DATABASE_URL set (bench/run.py sets it to the bench's PostgreSQL), the same cohort
is also seeded there and a whole matching round runs as organisers run it: load from
the database, score, assign, compare with best-first, store the proposal. Target: at
most 10 s and 1 GB (peak resident memory of the process, Django included).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, random, sys, time
sys.path.insert(0, {root!r})

def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

from mentors.matching import Matrix, Person, Weights, assign, edges_for, greedy, total_score

def cohort(n_mentees, n_mentors, fields=80, topics=40, must="career_field", seed=7):
    rng = random.Random(seed)
    offsets = [-600, -480, -420, -360, -300, -240, 0, 60, 540]
    langs = ["en", "es", "fr", "de", "tl"]
    formats = ["video", "phone", "in_person", "chat"]
    def person(i, mentor):
        return Person(
            id=i,
            topics=frozenset(rng.sample(range(topics), 3 if mentor else 2)),
            career_field=rng.randrange(fields),
            experience=rng.randint(3, 5) if mentor else rng.randint(1, 3),
            languages=frozenset(rng.sample(langs, rng.randint(1, 2))),
            formats=frozenset(rng.sample(formats, rng.randint(1, 3))),
            utc_offset=rng.choice(offsets),
            must=frozenset() if mentor else frozenset({{must}}),
            capacity=rng.randint(1, 5) if mentor else 0,
        )
    mentors = [person(100_000 + j, True) for j in range(n_mentors)]
    mentees = [person(j, False) for j in range(n_mentees)]
    return mentees, mentors

phase = {phase!r}
if phase == "connected":
    # Must share a goal, from 400 topics: again about 50 eligible mentors each, but
    # one connected graph, so the assignment cannot be split into smaller problems.
    mentees, mentors = cohort({mentees}, {mentors}, topics=400, must="topics")
    phase = "assign"
else:
    mentees, mentors = cohort({mentees}, {mentors})
matrix = Matrix(mentors, Weights())
out = {{}}
if phase == "assign":
    edges = edges_for(mentees, matrix)
    capacities = {{m.id: m.capacity for m in mentors}}
    out["edges"] = len(edges)
    before = peak_mib()
    started = time.perf_counter()
    optimum = assign(edges, capacities)
    out["assign_s"] = time.perf_counter() - started
    out["assign_mib"] = peak_mib() - before
    started = time.perf_counter()
    best_first = greedy(edges, capacities)
    out["greedy_s"] = time.perf_counter() - started
    out["optimum"] = total_score(optimum, edges)
    out["greedy"] = total_score(best_first, edges)
    out["matched"] = len(optimum)
    out["greedy_matched"] = len(best_first)
elif phase == "score":
    started = time.perf_counter()
    edges = edges_for(mentees, matrix)
    out["score_s"] = time.perf_counter() - started
    out["edges"] = len(edges)
elif phase == "suggest":
    timings = []
    for mentee in mentees[:200]:
        started = time.perf_counter()
        matrix.top(mentee, 5)
        timings.append(time.perf_counter() - started)
    timings.sort()
    out["suggest_median_ms"] = timings[len(timings) // 2] * 1000
    out["suggest_p95_ms"] = timings[int(len(timings) * 0.95)] * 1000
    out["mentors"] = len(matrix)
print(json.dumps(out))
"""


DB_CHILD = r"""
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring_hub.settings")
import django
django.setup()

def peak_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

from mentors import rounds
from mentors.models import MatchingRound

MatchingRound.objects.filter(name="Bench round").delete()
round = MatchingRound.objects.create(name="Bench round", generation=1)
before = peak_mib()
started = time.perf_counter()
rounds.compute_round.call(round.pk, 1)
elapsed = time.perf_counter() - started
round.refresh_from_db()
assert round.status == "ready", (round.status, round.error)
print(json.dumps({{
    "seconds": elapsed,
    "peak_mib": peak_mib(),
    "grew_mib": peak_mib() - before,
    "pairs": round.pairs.count(),
    "summary": {{k: round.summary[k] for k in ("cohort", "mentors", "pairs_considered")}},
    "optimum": round.summary["optimum"]["total"],
    "greedy": round.summary["greedy"]["total"],
}}))
"""


def run_database(mentees, mentors):
    subprocess.run(
        [sys.executable, "bench/seed.py", "cohort", str(mentees), str(mentors)],
        cwd=ROOT,
        env=os.environ,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-c", DB_CHILD.format(root=str(ROOT))],
        capture_output=True,
        text=True,
        env=os.environ,
        cwd=ROOT,
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(phase, mentees, mentors):
    code = CHILD.format(root=str(ROOT), phase=phase, mentees=mentees, mentors=mentors)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentees", type=int, default=20_000)
    parser.add_argument("--mentors", type=int, default=4_000)
    args = parser.parse_args()
    result = run("assign", args.mentees, args.mentors)
    connected = run("connected", args.mentees, args.mentors)
    scored = run("score", args.mentees, args.mentors)
    loss = (result["optimum"] - result["greedy"]) / result["optimum"] * 100
    print(
        f"matching: {args.mentees:,} mentees x {args.mentors:,} mentors, "
        f"{result['edges']:,} allowed pairs ({result['edges'] / args.mentees:.0f} per mentee), "
        f"scored from arrays in {scored['score_s']:.2f} s"
    )
    print(
        f"matching: optimal assignment {result['assign_s']:.2f} s, peak memory +"
        f"{result['assign_mib']:.0f} MiB (targets 3 s, 512 MiB); total score "
        f"{result['optimum']:,.1f}, {result['matched']:,} matched"
    )
    print(
        f"matching: greedy best-first baseline {result['greedy_s']:.2f} s, total "
        f"{result['greedy']:,.1f}, {result['greedy_matched']:,} matched: "
        f"{loss:.2f}% below the optimum"
    )
    loss_connected = (connected["optimum"] - connected["greedy"]) / connected["optimum"] * 100
    print(
        f"matching: one connected cohort (must share a goal; {connected['edges']:,} pairs): "
        f"optimal assignment {connected['assign_s']:.2f} s, peak memory +"
        f"{connected['assign_mib']:.0f} MiB; greedy {connected['greedy_s']:.2f} s, "
        f"{loss_connected:.2f}% below the optimum"
    )
    suggest = run("suggest", 200, 5_000)
    print(
        f"matching: top-five suggestions among {suggest['mentors']:,} mentors: "
        f"{suggest['suggest_median_ms']:.1f} ms median, {suggest['suggest_p95_ms']:.1f} ms p95 "
        f"(target 50 ms)"
    )
    if os.environ.get("DATABASE_URL"):
        db = run_database(args.mentees, args.mentors)
        summary = db["summary"]
        print(
            f"matching: a whole round from the database ({summary['cohort']:,} mentees, "
            f"{summary['mentors']:,} mentors, {summary['pairs_considered']:,} pairs): load, "
            f"score, assign, best-first, store {db['pairs']:,} pairs in {db['seconds']:.2f} s, "
            f"peak memory {db['peak_mib']:.0f} MiB (+{db['grew_mib']:.0f} MiB) "
            f"(targets 10 s, 1 GiB); best-first "
            f"{(db['optimum'] - db['greedy']) / db['optimum'] * 100:.2f}% below"
        )


if __name__ == "__main__":
    main()
