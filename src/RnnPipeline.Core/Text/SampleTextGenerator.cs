using System.Globalization;
using System.Text;

namespace RnnPipeline.Text;

/// <summary>
/// Generates the project's sample corpus: a lighthouse keeper's log written from a small seeded grammar. It has the
/// structure a character model can learn in minutes (spelling, recurring phrases, dates, numbers) and long-range
/// structure (quotes and parentheses closed many characters later, entries that end as they began).
/// </summary>
public static class SampleTextGenerator
{
    private static readonly string[] Weather =
        ["calm", "fair", "overcast", "squally", "foggy", "clear", "blustery", "drizzly", "stormy", "still"];
    private static readonly string[] Winds = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"];
    private static readonly string[] Ships =
        ["the Heron", "the Mary Ellen", "the Good Intent", "the Plover", "the Orkney Lass", "the Wren", "the Providence", "the Tern"];
    private static readonly string[] Cargo = ["coal", "timber", "salt fish", "wool", "slate", "barley", "lamp oil", "mail"];
    private static readonly string[] Tasks =
    [
        "trimmed the wicks", "polished the lens", "wound the clockwork", "painted the gallery rail",
        "carried oil up the tower", "mended the fog bell rope", "scraped rust from the lantern door",
        "cleaned the soot from the chimney", "checked the barometer", "tarred the boat",
    ];
    private static readonly string[] Birds = ["gulls", "gannets", "puffins", "cormorants", "terns", "oystercatchers", "curlews"];
    private static readonly string[] Sayings =
    [
        "A clean lens is a kept promise", "The sea forgives nothing and forgets less", "Light the lamp before you need it",
        "Fog is only weather that has stopped moving", "Every wick burns the same in the dark",
        "Count the ships, not the storms",
    ];
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Generates at least <paramref name="minimumLength"/> characters of log text, deterministic in <paramref name="seed"/>.</summary>
    public static string Generate(int minimumLength, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        var random = new Random(seed);
        var text = new StringBuilder(minimumLength + 1024);
        int day = 1, month = 0, year = 1887;
        while (text.Length < minimumLength)
        {
            AppendEntry(text, random, day, Months[month], year);
            day += 1 + random.Next(3);
            if (day > 28) { day -= 28; month++; }
            if (month == 12) { month = 0; year++; }
        }
        return text.ToString();
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    private static void AppendEntry(StringBuilder text, Random random, int day, string month, int year)
    {
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"{day} {month} {year}. Weather {Pick(random, Weather)}, wind {Pick(random, Winds)} force {1 + random.Next(9)}.");
        text.Append(c, $" Barometer {28 + random.Next(3)}.{random.Next(10)}{random.Next(10)} inches.\n");
        int sentences = 2 + random.Next(4);
        for (int i = 0; i < sentences; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    text.Append(c, $"Lit the lamp at {4 + random.Next(4)}.{random.Next(6)}0 and put it out at {5 + random.Next(3)}.{random.Next(6)}0.");
                    break;
                case 1:
                    text.Append(c, $"In the morning I {Pick(random, Tasks)}, and in the afternoon I {Pick(random, Tasks)}.");
                    break;
                case 2:
                    string ship = Pick(random, Ships);
                    text.Append(c, $"Sighted {ship} bound {Pick(random, Winds)} with {Pick(random, Cargo)} (she signalled all well, {2 + random.Next(20)} hands aboard).");
                    break;
                case 3:
                    text.Append(c, $"Counted {10 + random.Next(190)} {Pick(random, Birds)} on the north rocks and {1 + random.Next(30)} on the landing.");
                    break;
                case 4:
                    text.Append(c, $"My assistant said \"{Pick(random, Sayings)}\" and I wrote it down.");
                    break;
                default:
                    text.Append(c, $"Oil used {3 + random.Next(9)} gallons; remaining in store {100 + random.Next(400)} gallons.");
                    break;
            }
            text.Append(i + 1 < sentences ? ' ' : '\n');
        }
        text.Append(c, $"All well at the light on {day} {month}.\n\n");
    }
}
