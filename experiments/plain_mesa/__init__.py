"""A plain per-agent Mesa version of the littlegiants quarter: the speed benchmark's yardstick.

One `mesa.Agent` per SME (`firm.py`) and per large buyer (`buyers.py`), the rules
of `model/simulation` written the way a Mesa user writes them: scalar Python
arithmetic in agent methods, loops over agents, agents stepped with
`shuffle_do`, the government, bank, funds and exchanges as plain objects that
decide firm by firm, a `mesa.DataCollector` for the reporters. It reads the
same `Params` (a scenario, by default the baseline) and runs the same quarter,
phase by phase as `Economy.step`:

- policy events (`events.py`): restrictions add field export controls and list
  large buyers (by exposure) and SMEs (by capability x exposure, random rounding
  of the national count); tightenings raise listed buyers' lost inputs; easings
  lift named events (controls and listings); zone expansions; certification
  pushes (publicity, cost cuts);
- demand: orders (potential demand x last quarter's output factor), blocked
  share, de-risking;
- matching: churn, ordinary and capable slots, draws by attractiveness, capable
  ones above each buyer's quality bar (a quantile of its field's 2019
  capabilities);
- production: technology access, Gibrat growth with size-scaled volatility,
  niche growth; purchasing: substitution by qualified capable suppliers first,
  ordinary orders in the capacity left, lost inputs, the buyers' output factor;
  settle: revenue, costs (zone saving), interest, principal, upkeep, profit;
- finance: programme payments, R&D and equipment plans with earmarked money,
  bank credit (title approval and limit bonus, debt-ratio and cash-flow bounds,
  re-lending quota rationed across its eligible borrowers), IP pledges, VC rounds
  within the quarter's private money, guidance funds per province with
  additionality and crowding in, exchanges (boards' opening dates, standard
  sets, queues, title fast lane, capacity and its tightenings, approval, IPO
  proceeds), booking, spending (constrained firms), prepayment;
- innovation: R&D from the budget and surplus cash, knowledge stock, Poisson
  patents, yearly lapses, capability learning;
- certification: the Q1 count of firms meeting the national tests, application
  plans and R&D budgeting, screenings with Bass awareness and the expected
  benefit against the lognormal application cost (awards by province, programme
  awards, the title's value), the stronger qualifying firms applying first
  (capability tilt), reviews (with the review growth margin), local
  awards, the central programmes' batches, the initial provincial lists;
- demography (exit hazards, entry) and the year-end accounts.

Left out or done differently (none of it a quarterly rule of the firms):

- Initial conditions use the project's own vectorised recipes: the founding
  draws of the pool and of entrants (`model.simulation.founding.draw_firms`) and
  the buyers' draws (`LargeFirms`); each drawn row then becomes an agent.
- Reporters: the national ones and listed little giants by board; no breakdowns
  by field, province or region (`*_sector_*`, `*_province_*`, `lg_share_region_*`).
- Cash flows are totalled only for the six finance channels the reporters read
  (no per-firm ledger, `track_cash_flows`).
- The provinces' own re-lending lines (`relending_scale`): the plain bank gives every
  province the national re-lending bonus, as the shipped scenarios do (scale 1).
- Exited firms leave the model at once (the core keeps their rows, zeroed, until
  a year-end compaction); no inspection views (`FirmView`, `LargeFirm`).
- Randomness: Python's `random` (`self.random`) for uniform and normal draws,
  binomial lapses and sampling; numpy (`self.rng`) for the Poisson patents and
  entry counts. Same rules, not the same draws: outputs agree with the array
  model within seed noise, not number for number.

    import sys; sys.path.insert(0, "experiments")
    from plain_mesa import PlainEconomy
    from model import load_scenario
    PlainEconomy(load_scenario("baseline", scale=0.01), seed=1).run()
"""

from .economy import PlainEconomy

__all__ = ["PlainEconomy"]
