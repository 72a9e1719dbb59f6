from django import forms

from accounts.models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = "__all__"  #!E:security -- every field writable


class ProfileNameForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "bio"]  #!N -- explicit
