/**
 * The stylesheet and the script of the pages, served as files (not inline) so that a strict
 * Content-Security-Policy (`'self'` only) holds for every page.
 */

export const STYLESHEET = `
:root{--text:#1a1a1a;--muted:#555;--line:#c8c8c8;--head:#eef1f5;--link:#0b4fa8;--ok:#14532d;--ok-bg:#e7f6ec;--bad:#8a1020;--bad-bg:#fdecee;--focus:#c25e00}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);background:#fff;margin:0}
a{color:var(--link)}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1em;top:1em;background:#fff;padding:.5em;z-index:1}
header{background:#16324f;color:#fff;padding:.6em 2em;display:flex;flex-wrap:wrap;justify-content:space-between;gap:1em}
header a{color:#fff}header ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap}
header ol li+li::before{content:"›";padding:0 .5em;color:#cfd8e3}
.ops{display:flex;gap:1.2em;flex-wrap:wrap}
main{padding:1em 2em 2em;max-width:78em}
h1{font-size:1.7em;margin:.4em 0 .2em;overflow-wrap:anywhere}h2{font-size:1.3em;margin-top:1.6em;border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1.1em}
.lead{font-size:1.1em;max-width:60em}
.json{margin:.2em 0 1em}.json a{font-size:.9em;border:1px solid var(--line);border-radius:4px;padding:.15em .5em;text-decoration:none}
.muted,small{color:var(--muted)}
.empty{color:var(--muted);font-style:italic}
table{border-collapse:collapse;margin:.5em 0 1em;width:100%}
caption{text-align:left;font-weight:600;padding:.3em 0;color:var(--muted)}
th,td{border:1px solid var(--line);padding:.35em .6em;vertical-align:top;text-align:left}
th{background:var(--head)}
tbody tr:nth-child(even){background:#fafbfc}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}
td a code{font-weight:600}td code{white-space:nowrap;overflow-wrap:normal}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1.2em;margin:1em 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
form.op fieldset{border:1px solid var(--line);border-radius:6px;padding:.8em 1em;margin:1em 0;display:flex;flex-wrap:wrap;gap:.8em 1.4em;align-items:flex-end}
form.op legend{font-weight:600;padding:0 .3em}
.field{display:flex;flex-direction:column;gap:.2em}
.field.check{flex-direction:row;align-items:center;gap:.4em}
.field small{font-size:.8em}
input[type=text],input[type=number],select{font:inherit;padding:.35em .5em;border:1px solid #767676;border-radius:4px;max-width:100%}
input[type=number]{width:7em}
select{max-width:32em}
button{font:inherit;font-weight:600;padding:.4em 1.2em;border:0;border-radius:4px;background:#16324f;color:#fff;cursor:pointer}
button:hover{background:#0b2238}
.actions a{margin-right:1.2em}
.verdict-box{border-left:6px solid;padding:.5em 1em;margin:1em 0;border-radius:4px}
.verdict-box .headline{font-size:1.25em;font-weight:700;margin:.2em 0}
.verdict-box .message{margin:.2em 0}
.verdict-box.ok{border-color:var(--ok);background:var(--ok-bg);color:var(--ok)}
.verdict-box.refused{border-color:var(--bad);background:var(--bad-bg);color:var(--bad)}
.verdict-box.refused .message,.verdict-box.ok .message{color:var(--text)}
.severity.error,.severity.fatal{color:var(--bad);font-weight:600}
.verdict.rejected{color:var(--bad);font-weight:600}.verdict.corrected{color:#7a4b00;font-weight:600}
.tag{font-size:.8em;border:1px solid var(--line);border-radius:3px;padding:0 .3em;color:var(--muted)}
.equivalence{font-family:ui-monospace,monospace;font-size:.9em}
.pager{display:flex;gap:1.5em;align-items:center;margin:.5em 0 1em}
.hierarchy{margin:.5em 0}
.hits ul,.related{margin:.3em 0;padding-left:1.2em}.hits h3{margin-bottom:.2em}
.oplist li{margin:.2em 0}
.two{display:grid;grid-template-columns:1fr 1fr;gap:2em}
.context{background:#f6f7f9;border:1px solid var(--line);border-radius:6px;padding:0 1em;margin:1em 0}
${[1, 2, 3, 4, 5, 6].map((d) => `.depth-${d}{padding-left:${d * 1.2}em}`).join('')}
footer{border-top:1px solid var(--line);padding:1em 2em;color:var(--muted);font-size:.9em}
@media (max-width:700px){main,header{padding-left:1em;padding-right:1em}.two{grid-template-columns:1fr}}
`;

/**
 * Progressive help, nothing a page needs: "/" jumps to the search box, and a code field suggests
 * codes of the system named beside it (through the server's own $expand, as any client would).
 */
export const SCRIPT = `
(function(){
  document.addEventListener('keydown', function(e){
    var t = e.target;
    if (e.key !== '/' || (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA'))) return;
    var box = document.querySelector('main input[type=text]');
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  var forms = document.querySelectorAll('form.op');
  Array.prototype.forEach.call(forms, function(form){
    var code = form.querySelector('input[name=code]');
    var system = form.querySelector('[name=system]');
    var url = form.querySelector('select[name=url]');
    if (!code || (!system && !url)) return;
    var action = form.getAttribute('action');
    var base = action.replace(/\\/(CodeSystem|ValueSet|ConceptMap)\\/.*$/, '');
    // the codes to suggest: the system's (its implicit value set), else the value set's chosen
    function source(){
      if (system && system.value) return system.value + '?fhir_vs';
      if (url && url.value && action.indexOf('/ConceptMap/') < 0) return action.indexOf('/ValueSet/') >= 0 ? url.value : url.value + '?fhir_vs';
      return '';
    }
    var list = document.createElement('datalist');
    list.id = form.id + '-codes';
    form.appendChild(list);
    code.setAttribute('list', list.id);
    var timer, asked = '';
    code.addEventListener('input', function(){
      clearTimeout(timer);
      timer = setTimeout(function(){
        var text = code.value.trim();
        var from = source();
        if (text.length < 2 || !from || text + from === asked) return;
        asked = text + from;
        var address = base + '/ValueSet/$expand?_format=json&count=12&url=' + encodeURIComponent(from) + '&filter=' + encodeURIComponent(text);
        fetch(address, { headers: { Accept: 'application/fhir+json' } }).then(function(r){ return r.ok ? r.json() : null; }).then(function(vs){
          if (!vs || !vs.expansion) return;
          list.textContent = '';
          (vs.expansion.contains || []).forEach(function(c){
            var o = document.createElement('option');
            o.value = c.code; o.textContent = c.display || '';
            list.appendChild(o);
          });
        }).catch(function(){});
      }, 200);
    });
  });
})();
`;
