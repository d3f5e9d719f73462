"""Official documents: PDF rendering in the Thai official form, stored versions, verification."""
