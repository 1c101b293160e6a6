/** What a check saw: a state name (`RUNNING`, `DEGRADED`, `UNREACHABLE`…) and the evidence for it. */
export interface Observation {
  state: string;
  detail: string;
}
