// The dashboard's one stylesheet and its one tiny script, served from the Worker (no CDN, no inline code,
// so the Content-Security-Policy can forbid inline script and style).
export const STYLE = `
:root{--fg:#161616;--muted:#4a4a4a;--bg:#fff;--line:#c9c9c9;--accent:#0b56a4;--ok:#17623a;--bad:#a4161a;--warn:#8a5300;--soft:#f3f4f6;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}body{margin:0;line-height:1.45}
a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible,main:focus-visible{outline:3px solid #f5a300;outline-offset:2px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:9}
.top{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;padding:.6rem 1rem;background:#10243e;color:#fff}
.top .brand{font-weight:700}.top .org{opacity:.95;margin-right:auto}.top label{font-size:.85rem}
.top form{display:flex;gap:.35rem;align-items:center;margin:0}.top .field{display:flex;gap:.35rem;align-items:center}.top select{max-width:11rem}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:.4rem 1rem;border-bottom:1px solid var(--line)}
nav a{display:inline-block;padding:.35rem .6rem;border-radius:4px;text-decoration:none}
nav a[aria-current=page]{background:var(--accent);color:#fff}
main{padding:1rem;max-width:72rem;margin:0 auto}h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.flash{padding:.6rem .8rem;border-radius:4px;border:1px solid}.flash.ok{border-color:var(--ok);color:var(--ok);background:#eef8f1}.flash.error{border-color:var(--bad);color:var(--bad);background:#fdf0f0}
.card{border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:0 0 1rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.inline{display:inline}form.stack{display:grid;gap:.5rem;max-width:36rem}.row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}.field{display:grid;gap:.15rem;font-size:.9rem;align-content:start}.field .hint{color:var(--muted);font-size:.8rem}.field .field-error{color:var(--bad);font-size:.8rem;font-weight:600}.field.invalid input,.field.invalid select{border-color:var(--bad);border-width:2px}.field.check{display:flex;gap:.35rem;align-items:center}
.amount{font-variant-numeric:tabular-nums}
input,select,textarea,button{font:inherit;padding:.35rem .5rem;border:1px solid #767676;border-radius:4px;background:#fff;color:var(--fg)}
button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}button.secondary{background:#fff;color:var(--accent)}button.danger{background:var(--bad);border-color:var(--bad)}
.top button{background:#fff;color:#10243e}
.budget{margin:.6rem 0}.budget-head{display:flex;justify-content:space-between;flex-wrap:wrap;gap:.5rem}
svg.bar{width:100%;height:16px;display:block;border-radius:3px}rect.spent{fill:#0b56a4}rect.reserved{fill:#d08a00}rect.remaining{fill:#dfe3e8}
.budget-foot{margin:.2rem 0;font-size:.85rem;color:var(--muted)}.key::before{content:"";display:inline-block;width:.7em;height:.7em;margin-right:.25em;border-radius:2px}.key.spent::before{background:#0b56a4}.key.reserved::before{background:#d08a00}.key.remaining::before{background:#dfe3e8;border:1px solid #999}
figure.chart{margin:.5rem 0}figure.chart svg{width:100%;height:70px;background:var(--soft)}rect.day{fill:#0b56a4}.chart-axis{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted)}
.status{font-weight:600}.status.denied,.status.rejected,.status.expired{color:var(--bad)}.status.committed,.status.approved,.status.allowed{color:var(--ok)}.status.pending_approval,.status.pending,.status.reserved{color:var(--warn)}
.secret{font-family:ui-monospace,monospace;word-break:break-all;background:#fffbe6;border:1px solid #d08a00;padding:.5rem}
.code{display:grid;grid-template-columns:auto 1fr;font-family:ui-monospace,monospace;font-size:.88rem;border:1px solid var(--line);overflow-x:auto}
.code .ln{padding:0 .5rem;text-align:right;color:var(--muted);background:var(--soft);user-select:none}.code .ln.err{background:var(--bad);color:#fff;font-weight:700}.code pre{margin:0;padding:0 .5rem;white-space:pre}
.errors li{color:var(--bad)}textarea.policy{width:100%;min-height:20rem;font-family:ui-monospace,monospace;font-size:.88rem}
.diff{font-family:ui-monospace,monospace;font-size:.85rem;border:1px solid var(--line);overflow-x:auto}.diff div{white-space:pre;padding:0 .4rem}.diff .add{background:#e6f4ea}.diff .del{background:#fbe9e9}.diff .n{display:inline-block;min-width:3ch;color:var(--muted)}
.muted{color:var(--muted)}details>summary{cursor:pointer}dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.4rem 0}dl.kv dt{font-weight:600}dl.kv dd{margin:0;word-break:break-all}
.signin{max-width:26rem;margin:4rem auto;padding:1rem}
@media (max-width:600px){main{padding:.6rem}.top .org{flex-basis:100%}th,td{padding:.3rem}}
`;

export const SCRIPT = `// Refreshes the approvals list every 5 s without a full reload, unless the operator is typing a note.
(function(){var list=document.getElementById("approval-list");if(!list)return;var src=list.getAttribute("data-src");
setInterval(function(){var a=document.activeElement;if(a&&list.contains(a))return;
var notes=list.querySelectorAll("textarea,input[type=text]");for(var i=0;i<notes.length;i++){if(notes[i].value)return;}
fetch(src,{credentials:"same-origin",headers:{accept:"text/html"}}).then(function(r){return r.ok?r.text():null}).then(function(t){if(t!==null){list.innerHTML=t;list.setAttribute("data-refreshed",String(Date.now()));}}).catch(function(){});},5000);})();
`;
