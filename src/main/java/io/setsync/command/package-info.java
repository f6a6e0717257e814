/**
 * The command language, apart from any actor: its statements, the parser, the option rules and
 * the help text. Pure, below both {@code monitor} (which decides what a statement does) and {@code
 * console} (which reads lines and renders the answers), so neither imports the other's insides.
 */
package io.setsync.command;
