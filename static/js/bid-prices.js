// The bid price grid works without this script (the server computes every amount when the page is
// shown and after saving). With it, the line amounts and the totals follow what is typed, and the up
// and down arrows move to the same year of the row above or below.
//
// Amounts are exact: numbers are read as scaled BigInt decimals (never floats) and rounded half up to
// the currency's minor unit only when written, as the server does.
(function () {
  const form = document.getElementById("bid-prices");
  const body = document.getElementById("prices-body");
  if (!form || !body || typeof BigInt !== "function") return;
  const vietnamese = (document.documentElement.lang || "vi").slice(0, 2) === "vi";
  const decimalMark = vietnamese ? "," : ".";
  const thousandMark = vietnamese ? "." : ",";
  const places = parseInt(form.dataset.places || "0", 10);
  const label = form.dataset.currencyLabel || "";

  // A decimal as {n, s}: the value is n / 10^s.
  function parsePlain(text) {
    const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!match || (match[2] === "" && !match[3])) return null;
    const decimals = match[3] || "";
    const n = BigInt((match[2] || "0") + decimals);
    return { n: match[1] === "-" ? -n : n, s: decimals.length };
  }

  // What a person typed, read the way the server reads it (django sanitize_separators).
  function parseTyped(raw) {
    let text = (raw || "").trim();
    if (!text) return null;
    let decimals = null;
    const at = text.indexOf(decimalMark);
    if (at >= 0) {
      decimals = text.slice(at + 1);
      text = text.slice(0, at);
    }
    const parts = text.split(thousandMark);
    const looksDecimal = thousandMark === "." && parts.length === 2 && parts[1].length !== 3;
    if (!looksDecimal) text = parts.join("");
    const plain = decimals === null ? text : text + "." + decimals;
    return parsePlain(plain);
  }

  const ten = (k) => 10n ** BigInt(k);
  const scale = (a, s) => a.n * ten(s - a.s);
  function add(a, b) {
    const s = Math.max(a.s, b.s);
    return { n: scale(a, s) + scale(b, s), s: s };
  }
  const times = (a, b) => ({ n: a.n * b.n, s: a.s + b.s });
  const zero = { n: 0n, s: 0 };
  const minus = (a, b) => add(a, { n: -b.n, s: b.s });

  function rounded(a) {
    if (a.s <= places) return a.n * ten(places - a.s);
    const divisor = ten(a.s - places);
    const negative = a.n < 0n;
    const magnitude = negative ? -a.n : a.n;
    let quotient = magnitude / divisor;
    if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
    return negative && quotient !== 0n ? -quotient : quotient;
  }

  function written(a) {
    if (a === null) return "—";
    const units = rounded(a);
    const negative = units < 0n;
    let digits = (negative ? -units : units).toString().padStart(places + 1, "0");
    let fraction = "";
    if (places > 0) {
      fraction = decimalMark + digits.slice(-places);
      digits = digits.slice(0, -places);
    }
    const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, thousandMark);
    return (negative ? "-" : "") + grouped + fraction + " " + label;
  }

  const vatRate = parsePlain(form.dataset.vatRate || "0") || zero;
  const discountRate = parsePlain(form.dataset.discountRate || "0") || zero;

  function set(selector, value) {
    document.querySelectorAll(selector).forEach(function (element) {
      element.textContent = written(value);
    });
  }

  function recompute() {
    let excluding = zero;
    let vat = zero;
    let unpriced = 0;
    body.querySelectorAll("tr.grid-row").forEach(function (row) {
      let line = zero;
      let complete = true;
      row.querySelectorAll("input[data-quantity]").forEach(function (input) {
        const price = parseTyped(input.value);
        const quantity = parsePlain(input.dataset.quantity);
        if (price === null || price.n < 0n || quantity === null) {
          complete = false;
          return;
        }
        line = add(line, times(quantity, price));
      });
      const lineVat = row.dataset.vat === "1" ? times(line, vatRate) : zero;
      const amountCell = row.querySelector("[data-amount]");
      const amountVatCell = row.querySelector("[data-amount-vat]");
      if (amountCell) amountCell.textContent = written(complete ? line : null);
      if (amountVatCell) amountVatCell.textContent = written(complete ? add(line, lineVat) : null);
      if (!complete) {
        unpriced += 1;
        return;
      }
      excluding = add(excluding, line);
      vat = add(vat, lineVat);
    });
    const including = add(excluding, vat);
    const discount = times(including, discountRate);
    set("[data-total]", excluding);
    set("[data-vat-amount]", vat);
    set("[data-total-vat]", including);
    set("[data-discount]", discount);
    set("[data-after-discount]", minus(including, discount));
    const note = document.querySelector("[data-testid='unpriced-note']");
    if (note) note.hidden = unpriced === 0;
  }

  body.addEventListener("input", function (event) {
    if (event.target.matches("input[data-quantity]")) recompute();
  });

  // Up and down: the same year in the row above or below that has a quantity that year.
  body.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const input = event.target;
    if (!input.matches("input[data-quantity]") || event.altKey || event.ctrlKey || event.metaKey) return;
    const period = input.dataset.period;
    const cells = Array.from(body.querySelectorAll(`input[data-period="${period}"]`));
    const next = cells[cells.indexOf(input) + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
      next.select();
    }
  });
})();
