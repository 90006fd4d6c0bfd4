using Grpc.Core;

namespace SentinelSync.Asset.Agents;

/// <summary>
/// A Kubernetes-style label selector: comma-separated requirements, all of which must hold —
/// <c>k=v</c> (or <c>k==v</c>), <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a)</c>, <c>k</c> (exists) and
/// <c>!k</c> (does not exist). As in Kubernetes, <c>!=</c> and <c>notin</c> also match agents without the key.
/// </summary>
internal sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, string text)
    {
        Requirements = requirements;
        Text = text;
    }

    /// <summary>The selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new([], string.Empty);

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>The text it was parsed from.</summary>
    public string Text { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>Whether a label set satisfies every requirement.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) => Requirements.All(requirement => requirement.Matches(labels));

    /// <summary>Parses a selector; empty or blank text selects everything.</summary>
    /// <exception cref="FormatException">A syntax error; the message gives its 1-based position.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var parser = new Parser(text);
        return new LabelSelector(parser.ParseRequirements(), text);
    }

    /// <summary>Parses a selector from a request field, turning a syntax error into INVALID_ARGUMENT.</summary>
    public static LabelSelector ParseField(string? text, string field)
    {
        try
        {
            return Parse(text);
        }
        catch (FormatException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {ex.Message}"));
        }
    }

    public override string ToString() => Text;

    private sealed class Parser(string text)
    {
        private int _position;

        public List<LabelRequirement> ParseRequirements()
        {
            var requirements = new List<LabelRequirement>();
            while (true)
            {
                requirements.Add(ParseRequirement());
                SkipSpaces();
                if (_position == text.Length)
                {
                    return requirements;
                }

                Expect(',', "',' between requirements");
            }
        }

        private LabelRequirement ParseRequirement()
        {
            SkipSpaces();
            if (Peek() == '!')
            {
                _position++;
                SkipSpaces();
                return new LabelRequirement(ParseKey(), LabelOperator.DoesNotExist, []);
            }

            var key = ParseKey();
            SkipSpaces();
            if (_position == text.Length || Peek() == ',')
            {
                return new LabelRequirement(key, LabelOperator.Exists, []);
            }

            if (Peek() == '=')
            {
                _position++;
                if (Peek() == '=')
                {
                    _position++;
                }

                return new LabelRequirement(key, LabelOperator.Equals, [ParseValue()]);
            }

            if (Peek() == '!')
            {
                _position++;
                Expect('=', "'=' after '!'");
                return new LabelRequirement(key, LabelOperator.NotEquals, [ParseValue()]);
            }

            var start = _position;
            var word = ReadWhile(IsKeyCharacter);
            var op = word switch
            {
                "in" => LabelOperator.In,
                "notin" => LabelOperator.NotIn,
                _ => throw Error(start, $"expected '=', '!=', 'in', 'notin', ',' or the end after key '{key}'"),
            };
            SkipSpaces();
            Expect('(', $"'(' after '{word}'");
            var values = new List<string>();
            while (true)
            {
                values.Add(ParseValue());
                SkipSpaces();
                if (Peek() == ')')
                {
                    _position++;
                    return new LabelRequirement(key, op, values);
                }

                Expect(',', "',' or ')' in the value list");
            }
        }

        private string ParseKey()
        {
            SkipSpaces();
            var start = _position;
            var key = ReadWhile(IsKeyCharacter);
            if (key.Length == 0)
            {
                throw Error(start, "expected a label key");
            }

            if (!Labels.IsValidKey(key))
            {
                throw Error(start, $"'{key}' is not a valid label key");
            }

            return key;
        }

        private string ParseValue()
        {
            SkipSpaces();
            var start = _position;
            var value = ReadWhile(IsValueCharacter);
            if (!Labels.IsValidValue(value))
            {
                throw Error(start, $"'{value}' is not a valid label value");
            }

            return value;
        }

        private string ReadWhile(Func<char, bool> predicate)
        {
            var start = _position;
            while (_position < text.Length && predicate(text[_position]))
            {
                _position++;
            }

            return text[start.._position];
        }

        private void Expect(char expected, string what)
        {
            SkipSpaces();
            if (Peek() != expected)
            {
                throw Error(_position, "expected " + what);
            }

            _position++;
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private FormatException Error(int position, string message)
        {
            var found = position < text.Length ? $"'{text[position]}'" : "the end";
            return new FormatException($"syntax error at position {position + 1}: {message}, found {found}.");
        }

        private static bool IsKeyCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/';

        private static bool IsValueCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
    }
}
