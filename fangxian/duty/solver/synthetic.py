"""A realistic community duty roster, generated, for the benchmark and for trying the solver.

Checkpoints run three shifts (08–16, 16–24, 00–08); a night forbids the next day's morning and
an evening forbids the next day's night (it would be 16 hours on end). Each shift needs 2
people (3 preferred) and a leader on duty. Volunteers give their weekdays and time bands with
gaps, a preferred checkpoint, and say whether they can lead; a few ask for or against a shift;
couples ask to be kept together.
"""

from __future__ import annotations

import random

from .problem import Problem, Request, ShiftType, Slot, Staff, Weights

CHECKPOINTS = ["北门", "南门", "东门", "西门", "菜场口", "学校侧门", "医院口", "商业街"]
SHIFTS = [
    ShiftType(id="M", minutes=480, forbidden_next=frozenset()),
    ShiftType(id="E", minutes=480, forbidden_next=frozenset({"N"})),
    ShiftType(id="N", minutes=480, forbidden_next=frozenset({"M"}), night=True),
]
LABELS = {"M": "08–16", "E": "16–24", "N": "00–08"}

COMMUNITY_WEIGHTS = Weights(elderly_on_night=6, not_young_on_night=1, other_post=2, fairness_shifts=4,
                            fairness_nights=4, pair_apart=2, change=20)


def community_problem(volunteers: int = 300, posts: int = 8, days: int = 14, seed: int = 1) -> Problem:
    rng = random.Random(seed)
    names = [CHECKPOINTS[k] if k < len(CHECKPOINTS) else f"卡口{k + 1}" for k in range(posts)]
    post_ids = [str(k + 1) for k in range(posts)]
    slots = [Slot(day=d, post=post_ids[k], shift=s.id, minimum=2, target=3, weight_under=10, weight_over=5,
                  leader_required=True, label=f"{names[k]} {LABELS[s.id]}")
             for d in range(days) for k in range(posts) for s in SHIFTS]
    staff: list[Staff] = []
    requests: list[Request] = []
    pairs: list[tuple[str, str]] = []
    n = 0
    while n < volunteers:
        couple = n + 1 < volunteers and rng.random() < 0.08
        leader = rng.random() < 0.16
        # Leaders (staff, party members) commit to more days than most volunteers.
        weekdays = set(rng.sample(range(7), rng.choice([6, 7, 7] if leader else [4, 5, 5, 6, 7, 7])))
        bands = {"M", "E", "N"} if leader or rng.random() < 0.35 else set(rng.sample(["M", "E", "N"], 2))
        preferred = rng.randrange(posts)
        near = {preferred, (preferred + 1) % posts, (preferred - 1) % posts}
        allowed_posts = None if leader or rng.random() < 0.3 else frozenset(post_ids[k] for k in near)
        gaps = frozenset(rng.sample(range(days), rng.choice([0, 0, 1] if leader else [0, 0, 1, 2])))
        for _ in range(2 if couple else 1):
            age = rng.choice([16, 17] if rng.random() < 0.02 else
                             [rng.randint(18, 35), rng.randint(36, 59), rng.randint(60, 75)])
            pid = f"v{n + 1:03d}"
            available = frozenset((d, s) for d in range(days) for s in bands if d % 7 in weekdays)
            staff.append(Staff(id=pid, label=f"Volunteer {n + 1}", max_total_shifts=5 * days // 7,
                               max_consecutive=3, min_days_off=days // 7, leader=leader, age=age,
                               unavailable_days=gaps, available=available, posts=allowed_posts,
                               preferred_post=post_ids[preferred]))
            if rng.random() < 0.1:
                d, s = rng.randrange(days), rng.choice(sorted(bands))
                requests.append(Request(staff=pid, day=d, shift=s, weight=5, want=rng.random() < 0.5))
            n += 1
        if couple:
            pairs.append((staff[-2].id, staff[-1].id))
    return Problem(days=days, shifts=list(SHIFTS), staff=staff, slots=slots, requests=requests, pairs=pairs,
                   weights=COMMUNITY_WEIGHTS, first_weekday=0, name=f"community-{volunteers}x{posts}x{days}")
