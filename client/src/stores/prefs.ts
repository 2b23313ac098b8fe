/** Display preferences: theme and the zone times are shown in, kept in this browser. */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { ZoneMode } from '../lib/format.js';

export type Theme = 'light' | 'dark';
const KEY = 'framewatch.prefs';

function stored(): { theme?: Theme; zone?: ZoneMode } {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as { theme?: Theme; zone?: ZoneMode };
  } catch {
    return {};
  }
}

export const usePrefsStore = defineStore('prefs', () => {
  const initial = stored();
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const theme = ref<Theme>(initial.theme ?? (prefersDark ? 'dark' : 'light'));
  // The browser's zone unless the user chose UTC; every time shows its zone and UTC on hover.
  const zone = ref<ZoneMode>(initial.zone ?? 'local');

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }
  function toggleZone(): void {
    zone.value = zone.value === 'UTC' ? 'local' : 'UTC';
  }

  watch(
    [theme, zone],
    () => {
      document.documentElement.dataset.theme = theme.value;
      localStorage.setItem(KEY, JSON.stringify({ theme: theme.value, zone: zone.value }));
    },
    { immediate: true },
  );

  return { theme, zone, toggleTheme, toggleZone };
});
