// Compiled with `tsc --strict --noEmit` against the types openapi-typescript generates from
// openapi/openapi.json (api.d.ts beside this file in the CI's working folder): a small browser or
// Node app that reads a page of councils, keeps the typed ETag for If-Match and follows the
// cursor.
import type { components, paths } from "./api";

type CouncilList = paths["/v1/councils"]["get"]["responses"][200]["content"]["application/json; charset=utf-8"];
type Council = components["schemas"]["CouncilView"];
type Etag = paths["/v1/councils/{council}"]["get"]["responses"][200]["headers"]["ETag"];
type Created = paths["/v1/councils/{council}"]["put"]["responses"][201];
type CouncilDoc = paths["/v1/councils/{council}"]["put"]["requestBody"]["content"]["application/json"];
type Problem = components["schemas"]["Problem"];
type Proof = components["schemas"]["InclusionProof"];

export async function allCouncils(base: string): Promise<Council[]> {
  const out: Council[] = [];
  let cursor: string | undefined;
  do {
    const url = new URL("/v1/councils", base);
    url.searchParams.set("limit", "100");
    if (cursor !== undefined) url.searchParams.set("cursor", cursor);
    const r = await fetch(url);
    const page = (await r.json()) as CouncilList;
    out.push(...page.items);
    cursor = page.links.cursor;
  } while (cursor !== undefined);
  return out;
}

export async function rename(base: string, token: string, id: string, ru: string): Promise<string | Problem> {
  const current = await fetch(new URL(`/v1/councils/${id}`, base));
  const etag: Etag = current.headers.get("ETag") ?? "";
  const council = (await current.json()) as Council;
  const doc: CouncilDoc = {
    names: { ...council.names, ru },
    level: council.level,
    seats: council.seats,
    convocations: council.convocations,
    synthetic: false,
  };
  const r = await fetch(new URL(`/v1/councils/${id}`, base), {
    method: "PUT",
    headers: { "Content-Type": "application/json", "If-Match": etag, Authorization: `Bearer ${token}` },
    body: JSON.stringify(doc),
  });
  if (!r.ok) return (await r.json()) as Problem;
  const location: Created["headers"]["Location"] | null = r.headers.get("Location");
  return r.headers.get("ETag") ?? location ?? "";
}

export function proofLength(p: Proof): number {
  return p.proof.length;
}
