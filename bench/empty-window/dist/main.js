// The first screen of the empty window: a one-item list, then the mark the app's UI sets
// (ui/src/lib/perf.ts) once its profile list has rendered.
const list = document.createElement('ul');
const item = document.createElement('li');
item.textContent = 'empty';
list.append(item);
document.body.append(list);
performance.mark('tokenscope:first-screen');
document.documentElement.dataset.firstScreen = String(Math.round(performance.now()));
