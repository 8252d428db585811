// Package svg draws the assessment report's charts as inline SVG, on the server, so the
// HTML report needs no script and no network: a radar chart of security levels, a zone
// and conduit diagram laid out in Purdue rows, and a risk matrix heat map.
//
// It owns geometry and markup only. It takes plain labels, numbers and CSS class names;
// it knows nothing of models, assessments or IEC 62443, and leaves colours to the page's
// stylesheet. Every string it is given is escaped, and links may only point inside the page.
// Labels are fitted to their room in one pass that stops where the text no longer
// shows, so the cost of a label is bounded by its box, not its length; the full text
// stays in the element's tooltip.
package svg
