using System.Buffers.Binary;
using System.Text;

namespace RnnPipeline.Tests.Foundation;

/// <summary>Reads the version requirements (.gnu.version_r) of a 64-bit little-endian ELF file.</summary>
internal static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>True when <paramref name="version"/> is required and flagged weak; false when strong; throws when absent.</summary>
    public static bool IsWeak(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        for (int s = 0; s < shnum; s++)
        {
            var sh = elf.AsSpan((int)shoff + s * shentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed) continue;
            int need = (int)BinaryPrimitives.ReadUInt64LittleEndian(sh[24..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[40..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[44..]);
            int strtab = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)shoff + link * shentsize + 24));
            for (int n = 0; n < count; n++)
            {
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 8));
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(need + 2));
                for (int a = 0; a < auxCount; a++)
                {
                    int nameAt = strtab + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8));
                    int end = Array.IndexOf(elf, (byte)0, nameAt);
                    if (Encoding.ASCII.GetString(elf, nameAt, end - nameAt) == version)
                        return (BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(aux + 4)) & VerFlgWeak) != 0;
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12));
                }
                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 12));
            }
        }
        throw new InvalidOperationException($"{path} does not require {version}");
    }
}
