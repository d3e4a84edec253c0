/** Why something could not be observed. Collectors, probes and scope resolution return it; the
 * engine turns it into an ERROR finding (`audit-error`). */
export interface ObservationError {
  /** What was not observed: an offline file path or an API call such as `rds:DescribeDBParameters`. */
  source: string;
  /** One sentence: what went wrong. */
  reason: string;
  /** AWS error code, errno or SQLSTATE where there is one. */
  code?: string;
  /**
   * A stable name for `source` where the source is a path that depends on how the inventory
   * directory was spelled (the file's path inside its partition); finding ids use it.
   */
  ref?: string;
  account?: string;
  region?: string;
}
