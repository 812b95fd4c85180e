/*
 * bcryptprimitives.dll stand-in for Wine 8.
 *
 * Go 1.22+ Windows binaries fetch random bytes through
 * bcryptprimitives!ProcessPrng, which Wine 8 does not ship; without it the
 * Go runtime aborts at start-up. This DLL exports ProcessPrng and forwards
 * it to advapi32!SystemFunction036 (RtlGenRandom), which Wine implements.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a ULONG length: feed larger requests in pieces. */
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
