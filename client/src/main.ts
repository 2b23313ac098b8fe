/** The dashboard's entry: Pinia, the router, the interface strings, and the 401 handler that sends the user to sign in. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { setUnauthenticatedHandler } from './api/http.js';
import App from './App.vue';
import { i18n } from './i18n/index.js';
import { createAppRouter } from './router.js';
import { useSessionStore } from './stores/session.js';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
const router = createAppRouter();
app.use(router);
app.use(i18n);

setUnauthenticatedHandler(() => {
  const session = useSessionStore(pinia);
  if (session.state !== 'signed-in') return;
  session.expired();
  const current = router.currentRoute.value;
  if (current.name !== 'login') void router.push({ name: 'login', query: { redirect: current.fullPath } });
});

app.mount('#app');
