/** Who is signed in and what they may do; the CSRF token for changes comes with it. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, api, setCsrfToken, type Principal } from '../api/index.js';

export type SessionState = 'unknown' | 'signed-in' | 'signed-out' | 'no-auth';

export const useSessionStore = defineStore('session', () => {
  const principal = ref<Principal | null>(null);
  const state = ref<SessionState>('unknown');
  /** Servers without authentication (before it lands) let everyone edit; the server decides anyway. */
  const canEdit = computed(() => state.value === 'no-auth' || (principal.value !== null && principal.value.role !== 'viewer'));
  const isAdmin = computed(() => state.value === 'no-auth' || principal.value?.role === 'admin');

  async function load(): Promise<SessionState> {
    try {
      const me = await api.me();
      principal.value = me.principal;
      setCsrfToken(me.csrfToken);
      state.value = 'signed-in';
    } catch (error) {
      principal.value = null;
      setCsrfToken(null);
      state.value = error instanceof ApiError && error.notAvailable ? 'no-auth' : 'signed-out';
      if (!(error instanceof ApiError) || (error.statusCode !== 401 && !error.notAvailable)) throw error;
    }
    return state.value;
  }

  async function login(username: string, password: string): Promise<void> {
    const signedIn = await api.login(username, password);
    setCsrfToken(signedIn.csrfToken);
    await load();
  }

  async function logout(): Promise<void> {
    try {
      await api.logout();
    } finally {
      principal.value = null;
      setCsrfToken(null);
      state.value = 'signed-out';
    }
  }

  function expired(): void {
    if (state.value === 'signed-in') state.value = 'signed-out';
    principal.value = null;
  }

  return { principal, state, canEdit, isAdmin, load, login, logout, expired };
});
