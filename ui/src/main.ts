// Mounts the app. Styles come from app.css and the components, emitted by Vite as files the
// window's CSP (`style-src 'self'`) allows.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { markStep } from './lib/perf';
import { AppState } from './lib/state/app.svelte';

markStep('script');

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// The app info and the profile list are asked for before the first render, and the first
// render waits for them (at most 300 ms): the first screen is then laid out and painted once,
// with the profiles, instead of the welcome page first and the profiles a frame later. A slow
// answer only delays the first frame by that much; the list fills in when it comes.
const state = new AppState();
void state.start();
const atMost = new Promise<void>((resolve) => setTimeout(resolve, 300));
void Promise.race([state.load(), atMost]).then(() => {
  mount(App, { target, props: { app: state } });
  markStep('mounted');
});
