/* A straightforward brainfuck interpreter, the C peer of `bf-c` in the benchmark:
 * the program's commands with their bracket partners precomputed, then a switch loop
 * over a 30000-cell tape of unsigned char. Output is buffered by stdio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAPE 30000

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: bf PROGRAM\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    char *code = malloc(cap);
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (!strchr("<>+-.,[]", c) || c == 0) continue;
        if (n == cap) code = realloc(code, cap *= 2);
        code[n++] = (char)c;
    }
    fclose(f);
    size_t *jump = calloc(n + 1, sizeof *jump), *stack = malloc((n + 1) * sizeof *stack);
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (code[i] == '[') stack[depth++] = i;
        else if (code[i] == ']') {
            if (!depth) { fprintf(stderr, "unmatched ]\n"); return 1; }
            size_t j = stack[--depth];
            jump[i] = j;
            jump[j] = i;
        }
    }
    if (depth) { fprintf(stderr, "unmatched [\n"); return 1; }
    unsigned char tape[TAPE] = {0};
    size_t p = 0;
    for (size_t pc = 0; pc < n; pc++) {
        switch (code[pc]) {
        case '>': if (++p >= TAPE) { fprintf(stderr, "off the tape\n"); return 1; } break;
        case '<': if (p == 0) { fprintf(stderr, "off the tape\n"); return 1; } p--; break;
        case '+': tape[p]++; break;
        case '-': tape[p]--; break;
        case '.': putchar(tape[p]); break;
        case ',': { int ch = getchar(); if (ch != EOF) tape[p] = (unsigned char)ch; } break;
        case '[': if (!tape[p]) pc = jump[pc]; break;
        case ']': if (tape[p]) pc = jump[pc]; break;
        }
    }
    fflush(stdout);
    return 0;
}
