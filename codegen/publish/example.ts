// How a client team calls the Users API with openapi-fetch and the types openapi-typescript
// generated from the published document (schema.d.ts, beside this file). Written by
// `python -m codegen publish`; type-checked by the project's tests with `tsc --strict`.
//
//   npm install --save-exact openapi-fetch@0.17.0
//   npm install --save-dev --save-exact typescript@5.9.3 openapi-typescript@7.13.0
//
// Every /users call needs your team's API key (x-api-key) and an access token from the
// API's Cognito user pool (client-credentials grant) carrying the operation's scope.
import createClient from "openapi-fetch";

import type { components, paths } from "./schema";

export type User = components["schemas"]["User"];
export type ApiError = components["schemas"]["Error"];

export interface Credentials {
  apiKey: string; // your team's API key
  accessToken: string; // from the token endpoint (TokenUrl), valid for an hour
}

export function usersApi(baseUrl: string, credentials: Credentials) {
  return createClient<paths>({
    baseUrl,
    headers: {
      "x-api-key": credentials.apiKey,
      Authorization: `Bearer ${credentials.accessToken}`,
    },
  });
}

export type UsersApi = ReturnType<typeof usersApi>;

/** Every user, following `next_token` from page to page until it is null. */
export async function allUsers(api: UsersApi): Promise<User[]> {
  const users: User[] = [];
  let nextToken: string | undefined;
  do {
    const { data, error } = await api.GET("/users", {
      params: { query: { limit: 100, next_token: nextToken } },
    });
    if (error !== undefined) throw new Error(`listUsers: ${error.message}`);
    users.push(...data.users);
    nextToken = data.next_token ?? undefined;
  } while (nextToken !== undefined);
  return users;
}

/** Create, read, rename and delete one user; a refusal is the typed `Error` body. */
export async function roundTrip(api: UsersApi): Promise<void> {
  const created = await api.POST("/users", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body: { name: "Ada Lovelace", email: "ada@example.com" },
  });
  if (created.error !== undefined) {
    const refusal: ApiError = created.error; // 400, 401, 403, 409, ...
    throw new Error(`createUser ${created.response.status}: ${refusal.message}`);
  }
  const id = created.data.id;
  const location = created.response.headers.get("Location"); // `/users/${id}`, as called

  const fetched = await api.GET("/users/{id}", { params: { path: { id } } });
  if (fetched.data !== undefined) console.log(fetched.data.email, location);

  const renamed = await api.PATCH("/users/{id}", {
    params: { path: { id } },
    body: { name: "Augusta Ada King" },
  });
  if (renamed.error !== undefined) throw new Error(`updateUser: ${renamed.error.message}`);

  const deleted = await api.DELETE("/users/{id}", { params: { path: { id } } });
  if (deleted.response.status !== 204) throw new Error("deleteUser failed");

  const gone = await api.GET("/users/{id}", { params: { path: { id } } });
  if (gone.response.status === 404 && gone.error !== undefined) console.log(gone.error.message);
}
