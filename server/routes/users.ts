/** Users administration (admins only). */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN } from '../auth/policy.js';
import { ROLES } from '../auth/types.js';
import { actionContext } from '../plugins/security.js';
import { ErrorResponse } from '../schemas/http.js';
import { USERNAME_PATTERN } from '../store/auth/port.js';

const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Password = Type.String({ minLength: 12, maxLength: 1024 });

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});

const Params = Type.Object({ id: Type.String({ pattern: '^u_[0-9a-f]{24}$' }) });
const WithPassword = Type.Object({
  user: User,
  password: Type.Union([Type.String(), Type.Null()], {
    description: 'The generated password, shown once (null when one was given)',
  }),
});

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { auth: ADMIN };

  app.get(
    '/users',
    { config, schema: { tags: ['users'], summary: 'All users', response: { 200: Type.Object({ users: Type.Array(User) }) } } },
    async () => ({ users: await app.auth.listUsers() }),
  );

  app.post(
    '/users',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'Create a user; without a password one is generated and returned once',
        body: Type.Object(
          { username: Type.String({ pattern: USERNAME_PATTERN }), role: Role, password: Type.Optional(Password) },
          { additionalProperties: false },
        ),
        response: { 201: WithPassword, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await app.auth.createUser(request.body, actionContext(request))),
  );

  app.get(
    '/users/:id',
    { config, schema: { tags: ['users'], params: Params, response: { 200: User, 400: ErrorResponse, 404: ErrorResponse } } },
    async (request) => app.auth.getUser(request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'Change a role, or disable / enable a user (disabling ends their sessions)',
        params: Params,
        body: Type.Object(
          { role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: User, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => app.auth.updateUser(request.params.id, request.body, actionContext(request)),
  );

  app.post(
    '/users/:id/password',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'Reset a password (generated when none is given); unlocks the user and ends their sessions',
        params: Params,
        body: Type.Object({ password: Type.Optional(Password) }, { additionalProperties: false }),
        response: { 200: WithPassword, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => app.auth.resetPassword(request.params.id, request.body.password, actionContext(request)),
  );

  app.delete(
    '/users/:id',
    {
      config,
      schema: {
        tags: ['users'],
        summary: 'Delete a user with their sessions and the tokens they created',
        params: Params,
        response: { 204: Type.Null(), 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await app.auth.deleteUser(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );
};
