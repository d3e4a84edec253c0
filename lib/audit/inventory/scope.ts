// Scope resolution: written next (targets by id and tag, attached security groups, ports).
export interface Scope {
  backends: unknown[];
}
