/** Ingest core (placeholder until the aggregation lands): returns the ids of records not stored. */
export interface IngestRecord {
  id: string;
  body: string;
}
export async function ingestEnvelopes(records: IngestRecord[]): Promise<Set<string>> {
  void records;
  return new Set();
}
