/**
 * The widget's CSS, inside its shadow root: theme rules cannot reach in, and the few inherited
 * properties that would (sizes, spacing, case) are set on the host. A theme changes the look only
 * through the `--loyalty-*` custom properties, which do cross the shadow boundary. Defaults meet
 * WCAG AA: text at least 4.5:1 on its background, control borders and the progress bar 3:1.
 */
export const styles = `
:host{
  --a:var(--loyalty-accent,#1a56b8);--on:var(--loyalty-on-accent,#fff);
  --fg:var(--loyalty-text,#1f2328);--mu:var(--loyalty-muted,#595f66);
  --bg:var(--loyalty-background,#fff);--sf:var(--loyalty-surface,#f4f5f7);
  --ln:var(--loyalty-border,#8c939b);--er:var(--loyalty-danger,#b3261e);
  --r:var(--loyalty-radius,10px);
  display:block;box-sizing:border-box;max-width:var(--loyalty-max-width,36em);
  color:var(--fg);font-family:var(--loyalty-font);font-size:var(--loyalty-font-size,16px);
  font-weight:400;font-style:normal;line-height:1.5;letter-spacing:normal;word-spacing:normal;
  text-align:start;text-transform:none;text-indent:0;white-space:normal;visibility:visible
}
[hidden]{display:none!important}
*,*::before,*::after{box-sizing:inherit}
.card{background:var(--bg);border:1px solid #dfe3e8;border-radius:var(--r);padding:1em;overflow-wrap:anywhere}
h2,h3{margin:0 0 .5em;line-height:1.25;font-weight:700;color:var(--fg)}
h2{font-size:1.25em}
h3{font-size:1em;margin-top:1.25em}
p{margin:0 0 .5em}
ul{list-style:none;margin:0;padding:0}
.mu{color:var(--mu);font-size:.875em}
.big{font-size:2.25em;font-weight:700;line-height:1.1;margin:0}
.row{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5em}
.tier{background:var(--sf);border-radius:var(--r);padding:.75em;margin-top:1em}
.bar{height:.625em;background:#dfe3e8;border-radius:1em;overflow:hidden;margin:.5em 0}
.fill{height:100%;background:var(--a);border-radius:1em}
.list>li{padding:.625em 0;border-top:1px solid #dfe3e8}
.list>li:first-child{border-top:0}
.act{display:flex;flex-wrap:wrap;gap:.5em;align-items:center}
button,.btn{font:inherit;font-weight:600;min-height:2.75em;padding:.5em 1em;border-radius:var(--r);border:1px solid var(--a);
  background:var(--a);color:var(--on);cursor:pointer;text-decoration:none;display:inline-flex;align-items:center;justify-content:center;line-height:1.2}
button.sec{background:var(--bg);color:var(--a)}
button[aria-disabled=true],button:disabled{background:#e9ecef;border-color:#e9ecef;color:var(--mu);cursor:not-allowed}
button:focus-visible,.btn:focus-visible,a:focus-visible,textarea:focus-visible,[tabindex]:focus-visible,input:focus-visible+span{outline:3px solid var(--a);outline-offset:2px}
a{color:var(--a)}
.er{color:var(--er)}
.campaign{border-left:4px solid var(--a);border-radius:var(--r);padding:.5em .75em;margin-bottom:1em;background:var(--sf)}
.coupon{border:2px dashed var(--a);border-radius:var(--r);padding:.75em;margin-top:1em;background:var(--sf)}
.coupon:focus{outline:none}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.25em;font-weight:700;letter-spacing:.05em;user-select:all;color:var(--fg)}
fieldset{border:0;margin:1.25em 0 0;padding:0;min-width:0}
legend{font-weight:700;padding:0;margin-bottom:.5em}
.scale{display:grid;grid-template-columns:repeat(11,1fr);gap:2px}
.scale label{position:relative;display:block}
.scale input{position:absolute;opacity:0;inset:0;margin:0;width:100%;height:100%;cursor:pointer}
.scale span{display:flex;align-items:center;justify-content:center;min-height:2.5em;border:1px solid var(--ln);border-radius:6px;font-size:.875em;background:var(--bg)}
.scale input:checked+span{background:var(--a);border-color:var(--a);color:var(--on);font-weight:700}
textarea{display:block;width:100%;min-height:4.5em;margin:.25em 0 .75em;font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--ln);border-radius:6px;padding:.5em}
.sk{background:var(--sf);border-radius:6px;height:1.25em;margin:.5em 0;animation:pulse 1.2s ease-in-out infinite alternate}
@keyframes pulse{to{opacity:.4}}
@media (prefers-reduced-motion:reduce){.sk{animation:none}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
