/** One page of a listing and the opaque cursor for the next. */
export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}
