/** What the help dialog shows after "Gọi cán bộ hỗ trợ". */
export type HelpState =
  | { kind: 'closed' }
  | { kind: 'calling' }
  | { kind: 'coming' }
  | { kind: 'failed'; message: string };
